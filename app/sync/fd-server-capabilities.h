/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "fd-store.h"

G_BEGIN_DECLS

/**
 * FdServerLacks:
 * @FD_SERVER_LACKS_NOTHING: the server offers everything the station uses
 * @FD_SERVER_LACKS_LAST_UPDATED: no search by `_lastUpdated` on a type the station pulls
 * @FD_SERVER_LACKS_BATCH: no batch Bundles
 * @FD_SERVER_LACKS_VERSIONED_UPDATE: updates do not honour `If-Match`
 * @FD_SERVER_LACKS_UPDATE_CREATE: no create by PUT with an id the station chose
 *
 * What a server's CapabilityStatement says it does not offer, of what the
 * station relies on.
 */
typedef enum
{
  FD_SERVER_LACKS_NOTHING          = 0,
  FD_SERVER_LACKS_LAST_UPDATED     = 1 << 0,
  FD_SERVER_LACKS_BATCH            = 1 << 1,
  FD_SERVER_LACKS_VERSIONED_UPDATE = 1 << 2,
  FD_SERVER_LACKS_UPDATE_CREATE    = 1 << 3,
} FdServerLacks;

FdServerLacks  fd_server_capabilities_lacks    (JsonObject    *statement);
gboolean       fd_server_capabilities_save     (FdStore       *store,
                                                JsonObject    *statement,
                                                GError       **error);
FdServerLacks  fd_server_capabilities_load     (FdStore       *store,
                                                gboolean      *known);
GStrv          fd_server_capabilities_describe (FdServerLacks  lacks);

G_END_DECLS
