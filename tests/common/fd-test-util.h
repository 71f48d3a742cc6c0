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

G_END_DECLS
