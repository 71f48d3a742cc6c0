/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "fd-store.h"

G_BEGIN_DECLS

gboolean fd_store_find_eligibility (FdStore     *self,
                                    const char  *coverage_id,
                                    JsonObject **latest_response,
                                    JsonObject **unanswered_request,
                                    GError     **error);

G_END_DECLS
