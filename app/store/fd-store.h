/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "fd-appointment-item.h"
#include "fd-money.h"
#include "fd-patient-item.h"

G_BEGIN_DECLS

#define FD_STORE_ERROR (fd_store_error_quark ())

typedef enum
{
  FD_STORE_ERROR_FAILED,
  FD_STORE_ERROR_NEWER_SCHEMA,  /* written by a newer Frontdesk; left untouched */
  FD_STORE_ERROR_NOT_DATABASE,  /* corrupt, or not a Frontdesk database */
  FD_STORE_ERROR_NOT_WRITABLE,
  FD_STORE_ERROR_DISK_FULL,
  FD_STORE_ERROR_INVALID,       /* a resource the store cannot keep */
  FD_STORE_ERROR_NOT_FOUND,
  FD_STORE_ERROR_ALREADY_DONE,  /* someone already did it: the record says who and when */
  FD_STORE_ERROR_NOT_ALLOWED,   /* the record is not in a state that allows it */
} FdStoreError;

typedef enum
{
  FD_STORE_ORIGIN_SERVER,  /* downloaded: never queued for upload */
  FD_STORE_ORIGIN_LOCAL,   /* made at this desk: queued in the outbox */
} FdStoreOrigin;

typedef struct
{
  int     schema_version;
  gint64  patients;
  gint64  appointments;
  gint64  practitioners;
  gint64  locations;
  gint64  coverages;
  gint64  accounts;
  gint64  resources;
  gint64  outbox_pending;
  gint64  outbox_parked;
} FdStoreCounts;

typedef struct
{
  char *id;
  char *display;
} FdStoreRef;

/* A change made at this desk, waiting for the server */
typedef struct
{
  gint64  seq;
  char   *op;            /* "create", "update" */
  char   *type;
  char   *id;
  char   *base_version;  /* the server version the change was made on */
  char   *json;          /* the full resulting resource */
  char   *state;         /* "pending", "parked" */
  char   *error;         /* why it is parked, for the desk */
  char   *created_at;
  char   *kind;          /* parked: "rejected" or "conflict" */
  char   *theirs;        /* conflict: the server's version, whole */
  gboolean sent;         /* a create handed to the server whose answer never came */
} FdOutboxEntry;

#define FD_TYPE_STORE (fd_store_get_type ())
G_DECLARE_FINAL_TYPE (FdStore, fd_store, FD, STORE, GObject)

GQuark      fd_store_error_quark          (void);
int         fd_store_latest_schema        (void);
char       *fd_store_profile_dir          (const char     *data_dir,
                                           const char     *profile);
FdStore    *fd_store_open                 (const char     *path,
                                           GError        **error);
FdStore    *fd_store_open_sibling         (FdStore        *self,
                                           GError        **error);
FdStore    *fd_store_open_profile         (const char     *data_dir,
                                           const char     *profile,
                                           GError        **error);
const char *fd_store_get_path             (FdStore        *self);
GTimeZone  *fd_store_get_time_zone        (FdStore        *self);
int         fd_store_get_schema_version   (FdStore        *self);
void        fd_store_set_max_pages        (FdStore        *self,
                                           gint64          max_pages);

gboolean    fd_store_begin                (FdStore        *self,
                                           GError        **error);
gboolean    fd_store_commit               (FdStore        *self,
                                           GError        **error);
void        fd_store_rollback             (FdStore        *self);
gboolean    fd_store_put                  (FdStore        *self,
                                           JsonObject     *resource,
                                           FdStoreOrigin   origin,
                                           GError        **error);
JsonObject *fd_store_get                  (FdStore        *self,
                                           const char     *type,
                                           const char     *id,
                                           GError        **error);
gboolean    fd_store_get_counts           (FdStore        *self,
                                           FdStoreCounts  *counts,
                                           GError        **error);

GPtrArray  *fd_store_search_patients      (FdStore        *self,
                                           const char     *query,
                                           guint           limit,
                                           GError        **error);
GPtrArray  *fd_store_list_appointments    (FdStore        *self,
                                           const GDate    *day,
                                           const char     *practitioner_id,
                                           GError        **error);
GPtrArray  *fd_store_list_patient_appointments (FdStore   *self,
                                                const char *patient_id,
                                                gint64      from_unix,
                                                guint       limit,
                                                GError    **error);
gboolean    fd_store_next_clinic_day      (FdStore        *self,
                                           const GDate    *after,
                                           GDate          *out,
                                           GError        **error);
GPtrArray  *fd_store_list_practitioners   (FdStore        *self,
                                           GError        **error);
gint64      fd_store_count_balances       (FdStore        *self,
                                           GError        **error);
GPtrArray  *fd_store_list_balances        (FdStore        *self,
                                           guint           offset,
                                           guint           limit,
                                           GError        **error);
GPtrArray  *fd_store_list_coverages       (FdStore        *self,
                                           const char     *patient_id,
                                           GError        **error);
gboolean    fd_store_get_patient_balance  (FdStore        *self,
                                           const char     *patient_id,
                                           FdMoney        *out,
                                           GError        **error);

void        fd_store_emit_changed         (FdStore        *self,
                                           const char     *type,
                                           const char * const *ids);
char       *fd_store_get_meta             (FdStore        *self,
                                           const char     *key);
gboolean    fd_store_set_meta             (FdStore        *self,
                                           const char     *key,
                                           const char     *value,
                                           GError        **error);
char       *fd_store_get_version          (FdStore        *self,
                                           const char     *type,
                                           const char     *id);
gboolean    fd_store_has_pending_change   (FdStore        *self,
                                           const char     *type,
                                           const char     *id);

gboolean    fd_store_queue_standalone_records (FdStore   *self,
                                               guint     *queued,
                                               GError   **error);
gboolean    fd_store_count_outbox         (FdStore        *self,
                                           gint64         *pending,
                                           gint64         *parked,
                                           GError        **error);
GPtrArray  *fd_store_list_outbox          (FdStore        *self,
                                           gboolean        include_parked,
                                           GError        **error);
gboolean    fd_store_finish_outbox        (FdStore        *self,
                                           const char     *type,
                                           const char     *id,
                                           gint64          upto_seq,
                                           JsonObject     *server_resource,
                                           gboolean        as_sent,
                                           GError        **error);
gboolean    fd_store_park_outbox          (FdStore        *self,
                                           const char     *type,
                                           const char     *id,
                                           gint64          upto_seq,
                                           const char     *kind,
                                           const char     *message,
                                           JsonObject     *theirs,
                                           GError        **error);
gboolean    fd_store_resolve_conflict     (FdStore        *self,
                                           const char     *type,
                                           const char     *id,
                                           gboolean        keep_mine,
                                           GError        **error);
gboolean    fd_store_mark_outbox_sent     (FdStore        *self,
                                           const char     *type,
                                           const char     *id,
                                           gint64          upto_seq,
                                           GError        **error);
gboolean    fd_store_is_append_only       (const char     *type);
gboolean    fd_store_retry_parked         (FdStore        *self,
                                           const char     *type,
                                           const char     *id,
                                           GError        **error);
gboolean    fd_store_discard_parked       (FdStore        *self,
                                           const char     *type,
                                           const char     *id,
                                           GError        **error);
GPtrArray  *fd_store_list_discarded       (FdStore        *self,
                                           GError        **error);
gboolean    fd_store_restore_discarded    (FdStore        *self,
                                           const char     *type,
                                           const char     *id,
                                           JsonObject     *server_resource,
                                           GError        **error);
void        fd_outbox_entry_free          (FdOutboxEntry  *entry);

void        fd_store_ref_free             (FdStoreRef     *ref);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdStoreRef, fd_store_ref_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdOutboxEntry, fd_outbox_entry_free)

G_END_DECLS
