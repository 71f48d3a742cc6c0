/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "Frontdesk"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "fd-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(FdApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* An uninstalled build points this at its own catalogues */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("FRONTDESK_LOCALEDIR") ?: LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name ("Frontdesk");

  app = fd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
