/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdCore"

#include "fd-core.h"

G_DEFINE_QUARK (fd-core-error-quark, fd_core_error)

/**
 * fd_run_in_context:
 * @context: the main context of the thread that must run @function
 * @function: called once, in @context's thread
 * @data: for @function
 *
 * Always defers, unlike g_main_context_invoke(): that one runs @function at
 * once in a worker thread without a context of its own whenever @context
 * happens to be free, which is exactly what must never happen to code that
 * touches the main thread's widgets or database connection.
 */
void
fd_run_in_context (GMainContext *context,
                   GSourceFunc   function,
                   gpointer      data)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, function, data, NULL);
  g_source_attach (source, context);
}
