/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One language's compiled gettext catalogue (a .mo file), read into memory.
 * A catalogue never changes once loaded, so any thread may look strings up. */
typedef struct _FdCatalog FdCatalog;

FdCatalog  *fd_catalog_new_from_bytes      (GBytes      *bytes,
                                            GError     **error);
FdCatalog  *fd_catalog_new_from_file       (const char  *path,
                                            GError     **error);
FdCatalog  *fd_catalog_get_for_language    (const char  *language);
FdCatalog  *fd_catalog_ref                 (FdCatalog   *catalog);
void        fd_catalog_unref               (FdCatalog   *catalog);
guint       fd_catalog_get_n_entries       (FdCatalog   *catalog);
const char *fd_catalog_get_language        (FdCatalog   *catalog);
const char *fd_catalog_gettext             (FdCatalog   *catalog,
                                            const char  *msgid) G_GNUC_FORMAT (2);
const char *fd_catalog_pgettext            (FdCatalog   *catalog,
                                            const char  *context,
                                            const char  *msgid) G_GNUC_FORMAT (3);
char      **fd_catalog_language_candidates (const char  *language);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FdCatalog, fd_catalog_unref)

G_END_DECLS
