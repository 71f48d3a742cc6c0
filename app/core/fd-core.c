/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdCore"

#include "fd-core.h"

G_DEFINE_QUARK (fd-core-error-quark, fd_core_error)
