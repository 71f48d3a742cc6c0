/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "fd-credentials.h"

G_BEGIN_DECLS

#define FD_TYPE_PREFERENCES_WINDOW (fd_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (FdPreferencesWindow, fd_preferences_window, FD, PREFERENCES_WINDOW, AdwPreferencesWindow)

FdPreferencesWindow *fd_preferences_window_new                  (GSettings           *settings);
FdCredentials       *fd_preferences_window_get_credentials      (FdPreferencesWindow *self);
void                 fd_preferences_window_set_credentials      (FdPreferencesWindow *self,
                                                                 const FdCredentials *credentials);
const char          *fd_preferences_window_get_last_test_result (FdPreferencesWindow *self);
gboolean             fd_preferences_window_is_testing           (FdPreferencesWindow *self);

G_END_DECLS
