/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fd-fhir-client.h"
#include "fd-store.h"

G_BEGIN_DECLS

typedef struct
{
  guint pulled;    /* new or newer versions written to the cache */
  guint unchanged; /* already cached at that version */
  guint held;      /* not applied: a change made here waits to go up */
  guint pages;
  guint pushed;    /* local changes the server took */
  guint parked;    /* local changes the server refused, set aside with the reason */
  guint conflicts; /* local changes made on a version someone else changed since */
  guint merged;    /* of those, merged with the other change field by field */
  guint skipped;   /* changes of patients outside the working set, not cached */
  guint entered;   /* patients who entered the working set */
  guint left;      /* patients who left it (their records stay cached) */
} FdSyncStats;

typedef void (*FdSyncProgressFunc) (const char *type,
                                    guint       pulled,
                                    gpointer    user_data);

#define FD_TYPE_SYNC_ENGINE (fd_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (FdSyncEngine, fd_sync_engine, FD, SYNC_ENGINE, GObject)

FdSyncEngine *fd_sync_engine_new        (FdStore             *store,
                                         FdFhirClient        *client);
void          fd_sync_engine_set_use_batch (FdSyncEngine     *self,
                                            gboolean          use_batch);
void          fd_sync_engine_set_page_size (FdSyncEngine     *self,
                                            guint             page_size);
void          fd_sync_engine_set_batch_size (FdSyncEngine    *self,
                                             guint            batch_size);
void          fd_sync_engine_set_window (FdSyncEngine        *self,
                                         guint                days_back,
                                         guint                days_ahead);
void          fd_sync_engine_set_today  (FdSyncEngine        *self,
                                         const GDate         *today);
void          fd_sync_engine_get_window (FdSyncEngine        *self,
                                         GDate               *first,
                                         GDate               *last);
gboolean      fd_sync_engine_fetch_patient (FdSyncEngine     *self,
                                            const char       *patient_id,
                                            GCancellable     *cancellable,
                                            GError          **error);
gboolean      fd_sync_engine_pull       (FdSyncEngine        *self,
                                         FdSyncProgressFunc   progress,
                                         gpointer             user_data,
                                         FdSyncStats         *stats,
                                         GCancellable        *cancellable,
                                         GError             **error);

gboolean      fd_sync_engine_push       (FdSyncEngine        *self,
                                         FdSyncStats         *stats,
                                         GCancellable        *cancellable,
                                         GError             **error);
gboolean      fd_sync_engine_restore_discarded (FdSyncEngine *self,
                                                GCancellable *cancellable,
                                                GError      **error);

G_END_DECLS
