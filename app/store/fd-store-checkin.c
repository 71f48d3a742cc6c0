/* SPDX-License-Identifier: GPL-3.0-or-later */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fd-fhir.h"
#include "fd-store-private.h"

gboolean
fd_store_checkin_indexes (const char *type)
{
  return FALSE;
}

gboolean
fd_store_checkin_index (FdStore     *self,
                     const char  *type,
                     const char  *id,
                     JsonObject  *resource,
                     GError     **error)
{
  return TRUE;
}
