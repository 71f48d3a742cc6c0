/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char     *fd_validate_phone     (const char  *text,
                                 GError     **error);
char     *fd_validate_zip       (const char  *text,
                                 GError     **error);
char     *fd_validate_email     (const char  *text,
                                 GError     **error);
char     *fd_validate_state     (const char  *text,
                                 GError     **error);
char     *fd_validate_birth_date (const char *text,
                                  const GDate *today,
                                  GError     **error);

G_END_DECLS
