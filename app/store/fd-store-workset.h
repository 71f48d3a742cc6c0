/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fd-store.h"

G_BEGIN_DECLS

gboolean   fd_store_keep_patient           (FdStore     *self,
                                            const char  *patient_id,
                                            GError     **error);
gboolean   fd_store_is_patient_kept        (FdStore     *self,
                                            const char  *patient_id);
GPtrArray *fd_store_working_set_wanted     (FdStore     *self,
                                            const GDate *first_day,
                                            const GDate *last_day,
                                            GError     **error);
GPtrArray *fd_store_working_set_update     (FdStore     *self,
                                            GPtrArray   *wanted,
                                            guint       *left,
                                            GError     **error);
gboolean   fd_store_working_set_add        (FdStore     *self,
                                            GPtrArray   *patient_ids,
                                            GError     **error);
gboolean   fd_store_working_set_contains   (FdStore     *self,
                                            const char  *patient_id);
gint64     fd_store_working_set_count      (FdStore     *self,
                                            GError     **error);

G_END_DECLS
