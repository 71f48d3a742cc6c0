/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FD_CORE_ERROR (fd_core_error_quark ())

typedef enum
{
  FD_CORE_ERROR_INVALID,      /* a value a person typed that cannot be one */
  FD_CORE_ERROR_MALFORMED,    /* a resource that is not what FHIR says it is */
  FD_CORE_ERROR_CARD_NUMBER,  /* something that looks like a payment card number */
} FdCoreError;

GQuark fd_core_error_quark (void);
void   fd_run_in_context   (GMainContext *context,
                            GSourceFunc   function,
                            gpointer      data);

G_END_DECLS
