/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FD_TYPE_APPLICATION (fd_application_get_type ())
G_DECLARE_FINAL_TYPE (FdApplication, fd_application, FD, APPLICATION, AdwApplication)

FdApplication *fd_application_new (void);

G_END_DECLS
