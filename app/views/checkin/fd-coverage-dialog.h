/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "fd-store.h"

G_BEGIN_DECLS

#define FD_TYPE_COVERAGE_DIALOG (fd_coverage_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FdCoverageDialog, fd_coverage_dialog, FD, COVERAGE_DIALOG, AdwWindow)

FdCoverageDialog *fd_coverage_dialog_new (FdStore    *store,
                                          const char *patient_id,
                                          const char *current_coverage_id);

G_END_DECLS
