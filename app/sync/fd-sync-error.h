/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FD_SYNC_ERROR (fd_sync_error_quark ())

typedef enum
{
  FD_SYNC_ERROR_BAD_ADDRESS,   /* not a usable server address */
  FD_SYNC_ERROR_NETWORK,       /* refused, unreachable, timed out, cut */
  FD_SYNC_ERROR_UNAUTHORIZED,  /* 401 or 403 */
  FD_SYNC_ERROR_SERVER,        /* any other answer that is not a success */
  FD_SYNC_ERROR_MALFORMED,     /* the answer is not the FHIR JSON it should be */
  FD_SYNC_ERROR_NOT_FHIR,      /* the address does not serve FHIR R4 */
  FD_SYNC_ERROR_CONFLICT,      /* 409 or 412: changed on the server meanwhile */
  FD_SYNC_ERROR_REJECTED,      /* 400, 422...: the server will never take this */
  FD_SYNC_ERROR_TLS,           /* the server's certificate cannot be trusted */
  FD_SYNC_ERROR_NOT_FOUND,     /* 404 or 410: the server has no such record */
} FdSyncError;

GQuark fd_sync_error_quark (void);

G_END_DECLS
