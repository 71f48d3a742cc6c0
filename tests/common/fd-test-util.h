/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fd-demo-clinic.h"
#include "fd-store.h"

G_BEGIN_DECLS

char    *fd_test_make_dir      (void);
void     fd_test_remove_dir    (const char *path);
FdStore *fd_test_seeded_store  (const char *dir,
                                guint       n_patients,
                                guint       n_days,
                                const GDate *today);
char    *fd_test_file_checksum (const char *path);
void     fd_test_iterate       (void);
GSubprocess *fd_test_start_fhir_server (const char *bundle_path,
                                        char      **url);
GSubprocess *fd_test_start_fhir_server_with_args (const char         *bundle_path,
                                                  const char * const *args,
                                                  char              **url);
void     fd_test_stop_fhir_server (GSubprocess *server);
GSubprocess *fd_test_start_demo_server (const char          *dir,
                                        const FdDemoOptions *options,
                                        char               **url);
GSubprocess *fd_test_start_demo_server_with_args (const char          *dir,
                                                  const FdDemoOptions *options,
                                                  const char * const  *args,
                                                  char               **url);
JsonObject *fd_test_auth_control (const char *server_url,
                                  const char *body);
GSubprocess *fd_test_start_fault_proxy (const char *target_url,
                                        char      **url);
void     fd_test_set_fault     (const char *proxy_url,
                                const char *rule);
void     fd_test_set_payer     (const char *server_url,
                                const char *settings);
char    *fd_test_put_on_server (const char *server_url,
                                JsonObject *resource,
                                const char *if_match);
JsonObject *fd_test_get_from_server (const char *server_url,
                                     const char *path);
gboolean fd_test_cached_as_on_server (FdStore    *store,
                                      const char *server_url,
                                      const char *type,
                                      const char *id);
void     fd_test_spoil_patient (FdStore    *store,
                                JsonObject *patient);
char    *fd_test_take_payment  (FdStore    *store,
                                const char *patient_id,
                                gint64      cents);

GHashTable *fd_test_demo_working_set (const FdDemoOptions *options,
                                      const GDate         *first,
                                      const GDate         *last,
                                      guint               *total);
void     fd_test_default_window (const GDate *today,
                                 GDate       *first,
                                 GDate       *last);

double   fd_test_percentile    (GArray     *samples,
                                double      p);

typedef struct _FdTestKeyring FdTestKeyring;

FdTestKeyring *fd_test_keyring_start (GError        **error);
void           fd_test_keyring_stop  (FdTestKeyring  *keyring);

G_END_DECLS
