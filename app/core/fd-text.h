/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *fd_text_fold        (const char *text);
char *fd_text_fold_words  (const char *text);
char *fd_text_digits      (const char *text);
gboolean fd_text_has_letters (const char *text);

G_END_DECLS
