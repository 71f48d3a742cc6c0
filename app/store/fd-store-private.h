/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For the store's own source files only: each domain (check-in, ledger, …)
 * keeps its index tables and queries in its own fd-store-*.c over these. */

#include <sqlite3.h>

#include "fd-store.h"

G_BEGIN_DECLS

typedef gpointer (*FdStoreRowFunc) (sqlite3_stmt *stmt);

sqlite3      *fd_store_db              (FdStore        *self);
gboolean      fd_store_sqlite_error    (FdStore        *self,
                                        int             rc,
                                        GError        **error);
/* Cached statement, reset and unbound; @sql must be a string literal */
sqlite3_stmt *fd_store_prepare         (FdStore        *self,
                                        const char     *sql,
                                        GError        **error);
gboolean      fd_store_step_done       (FdStore        *self,
                                        sqlite3_stmt   *stmt,
                                        GError        **error);
gboolean      fd_store_exec            (FdStore        *self,
                                        const char     *sql,
                                        GError        **error);
void          fd_store_bind_text       (sqlite3_stmt   *stmt,
                                        int             index,
                                        const char     *text);
const char   *fd_store_column_text     (sqlite3_stmt   *stmt,
                                        int             index);
gboolean      fd_store_collect_rows    (FdStore        *self,
                                        sqlite3_stmt   *stmt,
                                        FdStoreRowFunc  row_func,
                                        GPtrArray      *out,
                                        GError        **error);
gboolean      fd_store_in_transaction  (FdStore        *self);
char         *fd_store_query_text      (FdStore        *self,
                                        const char     *sql,
                                        const char     *a,
                                        const char     *b);
/* Announced as FdStore::changed after the commit */
void          fd_store_record_change   (FdStore        *self,
                                        const char     *type,
                                        const char     *id);

/* A coverage row `c` in force today: active, and not past the end of its period */
#define FD_STORE_COVERAGE_IN_FORCE \
  "(c.status = 'active' AND (c.period_end IS NULL OR c.period_end >= date ('now', 'localtime')))"

/* The 13 columns fd_store_appointment_item_from_row() reads, first in a row */
#define FD_STORE_APPOINTMENT_COLUMNS \
  "a.id, a.start_unix, a.end_unix, a.status, a.patient_id," \
  " coalesce (p.display, a.patient_display, ''), a.practitioner_id, coalesce (pr.display, '')," \
  " coalesce (l.name, ''), a.description," \
  " EXISTS (SELECT 1 FROM coverage c WHERE c.patient_id = a.patient_id AND " FD_STORE_COVERAGE_IN_FORCE ")," \
  " coalesce (p.phone, '') != '', coalesce (p.has_address, 0)"
#define FD_STORE_APPOINTMENT_JOINS \
  "appointment a" \
  " LEFT JOIN patient p ON p.id = a.patient_id" \
  " LEFT JOIN practitioner pr ON pr.id = a.practitioner_id" \
  " LEFT JOIN location l ON l.id = a.location_id"
gpointer      fd_store_appointment_item_from_row (sqlite3_stmt *stmt);

/* Index tables kept by the domain files, called from fd_store_put() for the
 * types each one claims */
gboolean      fd_store_checkin_indexes (const char     *type);
gboolean      fd_store_checkin_index   (FdStore        *self,
                                        const char     *type,
                                        const char     *id,
                                        JsonObject     *resource,
                                        GError        **error);
gboolean      fd_store_ledger_indexes  (const char     *type);
gboolean      fd_store_ledger_index    (FdStore        *self,
                                        const char     *type,
                                        const char     *id,
                                        JsonObject     *resource,
                                        GError        **error);

G_END_DECLS
