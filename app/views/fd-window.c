/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdWindow"

#include "config.h"

#include <glib/gi18n.h>

#include "fd-calendar-view.h"
#include "fd-chartprep-view.h"
#include "fd-checkin-view.h"
#include "fd-dates.h"
#include "fd-patient-panel.h"
#include "fd-patient-search.h"
#include "fd-payments-view.h"
#include "fd-store-checkin.h"
#include "fd-sync-panel.h"
#include "fd-window.h"

#define SEARCH_LIMIT 50
/* Typing pauses this long before the clinic server is asked */
#define SERVER_SEARCH_DELAY_MS 250

struct _FdWindow
{
  AdwApplicationWindow  parent_instance;

  FdStore              *store;
  FdSyncService        *sync_service;
  guint                 progress_shown;  /* records counted when the bar last moved */
  GHashTable           *seen_today;   /* patient ids with an appointment today, for the search */
  gulong                sync_state_id;
  gulong                outbox_changed_id;
  GSettings            *settings;
  GListStore           *results;
  GtkSingleSelection   *selection;
  GHashTable           *server_hits;  /* ids of results found on the clinic server, not cached */
  GCancellable         *server_search;
  guint                 server_search_id;
  GCancellable         *fetching;

  /* Template widgets */
  AdwViewSwitcherTitle *switcher_title;
  GtkMenuButton        *sync_button;
  GtkLabel             *sync_label;
  FdSyncPanel          *sync_panel;
  GtkProgressBar       *sync_progress;
  GtkImage             *sync_icon;
  GtkSearchEntry       *search_entry;
  AdwToastOverlay      *toast_overlay;
  AdwFlap              *flap;
  GtkStack             *main_stack;
  AdwViewStack         *view_stack;
  GtkStack             *search_stack;
  GtkLabel             *search_server_label;
  GtkListView          *search_list;
  AdwStatusPage        *error_page;
  FdCheckinView        *checkin_view;
  FdCalendarView       *calendar_view;
  FdChartprepView      *chartprep_view;
  FdPaymentsView       *payments_view;
  FdPatientPanel       *patient_panel;
};

G_DEFINE_FINAL_TYPE (FdWindow, fd_window, ADW_TYPE_APPLICATION_WINDOW)

/* Helpers */

static char *
describe_patient (FdPatientItem *item)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *birth_date = fd_patient_item_get_birth_date (item);
  const char *mrn = fd_patient_item_get_mrn (item);
  const char *phone = fd_patient_item_get_phone (item);
  GDate date;

  if (fd_date_parse_iso (birth_date, &date))
    {
      g_autofree char *text = fd_date_format_short (&date, fd_date_order_from_locale ());
      /* Translators: "born" and a birth date, in a search result */
      g_string_append_printf (out, _("Born %s"), text);
    }
  if (mrn != NULL)
    {
      if (out->len)
        g_string_append (out, "  ·  ");
      /* Translators: medical record number in a search result */
      g_string_append_printf (out, _("MRN %s"), mrn);
    }
  if (phone != NULL)
    {
      if (out->len)
        g_string_append (out, "  ·  ");
      g_string_append (out, phone);
    }

  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
show_search (FdWindow *self,
             gboolean  searching)
{
  /* Without a database the error page stays up */
  if (self->store == NULL)
    return;

  gtk_stack_set_visible_child_name (self->main_stack, searching ? "search" : "views");
}

static void
set_server_note (FdWindow   *self,
                 const char *note)
{
  gtk_label_set_label (self->search_server_label, note ? note : "");
  gtk_widget_set_visible (GTK_WIDGET (self->search_server_label), note != NULL);
}

static void
cancel_server_search (FdWindow *self)
{
  g_clear_handle_id (&self->server_search_id, g_source_remove);
  g_cancellable_cancel (self->server_search);
  g_clear_object (&self->server_search);
  g_hash_table_remove_all (self->server_hits);
  set_server_note (self, NULL);
}

static const char *
unreachable_note (void)
{
  return _("Only patients on this station are shown: the clinic server cannot be reached");
}

static void
server_search_done_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(FdWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = fd_sync_service_search_patients_finish (FD_SYNC_SERVICE (object), result, &error);
  g_autoptr(GPtrArray) added = g_ptr_array_new ();
  guint n_before;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->store == NULL)
    return;
  g_clear_object (&self->server_search);
  if (found == NULL)
    {
      g_debug ("Server search failed: %s", error->message);
      set_server_note (self, unreachable_note ());
      return;
    }

  /* Patients on this station are already in the list, or did not match here */
  for (guint i = 0; i < found->len; i++)
    {
      FdPatientItem *item = g_ptr_array_index (found, i);
      g_autofree char *cached = fd_store_get_version (self->store, "Patient", fd_patient_item_get_id (item));

      if (cached != NULL || fd_store_has_pending_change (self->store, "Patient", fd_patient_item_get_id (item)))
        continue;
      g_hash_table_add (self->server_hits, g_strdup (fd_patient_item_get_id (item)));
      g_ptr_array_add (added, item);
    }

  set_server_note (self, NULL);
  if (added->len == 0)
    return;
  n_before = g_list_model_get_n_items (G_LIST_MODEL (self->results));
  g_list_store_splice (self->results, n_before, 0, added->pdata, added->len);
  gtk_stack_set_visible_child_name (self->search_stack, "results");
  if (n_before == 0)
    gtk_single_selection_set_selected (self->selection, 0);
}

static gboolean
server_search_cb (gpointer user_data)
{
  FdWindow *self = user_data;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  self->server_search_id = 0;
  self->server_search = g_cancellable_new ();
  fd_sync_service_search_patients_async (self->sync_service, text, self->server_search,
                                         server_search_done_cb, g_object_ref (self));
  return G_SOURCE_REMOVE;
}

/* Few patients here: the clinic server may know the one at the desk */
static void
start_server_search (FdWindow   *self,
                     const char *text,
                     guint       n_local)
{
  g_autoptr(GPtrArray) queries = NULL;

  if (self->sync_service == NULL || n_local >= FD_PATIENT_SEARCH_LOCAL_FEW)
    return;
  queries = fd_patient_search_queries (text, 1);
  if (queries->len == 0)
    return;

  if (fd_sync_service_get_offline_since (self->sync_service) != NULL)
    {
      set_server_note (self, unreachable_note ());
      return;
    }
  set_server_note (self, _("Searching the clinic server…"));
  self->server_search_id = g_timeout_add (SERVER_SEARCH_DELAY_MS, server_search_cb, self);
}

static void
run_search (FdWindow *self)
{
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  cancel_server_search (self);
  if (self->store == NULL || text[0] == '\0')
    {
      g_list_store_remove_all (self->results);
      show_search (self, FALSE);
      return;
    }

  hits = fd_store_search_patients (self->store, text, SEARCH_LIMIT, &error);
  if (hits == NULL)
    {
      g_warning ("Patient search failed: %s", error->message);
      g_list_store_remove_all (self->results);
    }
  else
    {
      g_autoptr(GPtrArray) ordered = g_ptr_array_new ();
      GDate today;

      /* Patients expected today come first: the one at the desk is most likely among them */
      fd_date_set_today (&today, fd_store_get_time_zone (self->store));
      g_clear_pointer (&self->seen_today, g_hash_table_unref);
      self->seen_today = fd_store_patients_seen_on (self->store, &today, NULL);
      for (int pass = 0; pass < 2; pass++)
        for (guint i = 0; i < hits->len; i++)
          {
            FdPatientItem *item = g_ptr_array_index (hits, i);
            gboolean today_hit = self->seen_today != NULL &&
                                 g_hash_table_contains (self->seen_today, fd_patient_item_get_id (item));

            if (today_hit == (pass == 0))
              g_ptr_array_add (ordered, item);
          }
      g_list_store_splice (self->results, 0, g_list_model_get_n_items (G_LIST_MODEL (self->results)),
                           ordered->pdata, ordered->len);
    }

  gtk_stack_set_visible_child_name (self->search_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->results)) > 0 ? "results" : "empty");
  if (g_list_model_get_n_items (G_LIST_MODEL (self->results)) > 0)
    gtk_single_selection_set_selected (self->selection, 0);
  show_search (self, TRUE);
  start_server_search (self, text, g_list_model_get_n_items (G_LIST_MODEL (self->results)));
}

static void
move_selection (FdWindow *self,
                int       delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->results));
  guint selected = gtk_single_selection_get_selected (self->selection);
  int next;

  if (n == 0)
    return;
  next = selected == GTK_INVALID_LIST_POSITION ? 0 : (int) selected + delta;
  next = CLAMP (next, 0, (int) n - 1);
  gtk_single_selection_set_selected (self->selection, (guint) next);
  gtk_widget_activate_action (GTK_WIDGET (self->search_list), "list.scroll-to-item", "u", (guint) next);
}

typedef struct
{
  FdWindow *window;
  char     *patient_id;
} Fetch;

static void
fetch_free (Fetch *fetch)
{
  g_object_unref (fetch->window);
  g_free (fetch->patient_id);
  g_free (fetch);
}

static void
patient_fetched_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Fetch *fetch = user_data;
  FdWindow *self = fetch->window;
  g_autoptr(GError) error = NULL;

  if (fd_sync_service_fetch_patient_finish (FD_SYNC_SERVICE (object), result, &error))
    {
      g_hash_table_remove (self->server_hits, fetch->patient_id);
      fd_window_open_patient (self, fetch->patient_id);
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autofree char *text = g_strdup_printf (_("The patient cannot be opened: %s"), error->message);
      AdwToast *toast = adw_toast_new (text);

      g_debug ("Fetching Patient/%s failed", fetch->patient_id);
      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toast_overlay, toast);
    }
  fetch_free (fetch);
}

/* A patient found on the clinic server is cached first, and stays */
static void
open_server_hit (FdWindow   *self,
                 const char *patient_id)
{
  Fetch *fetch = g_new0 (Fetch, 1);

  fetch->window = g_object_ref (self);
  fetch->patient_id = g_strdup (patient_id);
  g_cancellable_cancel (self->fetching);
  g_clear_object (&self->fetching);
  self->fetching = g_cancellable_new ();
  adw_toast_overlay_add_toast (self->toast_overlay,
                               adw_toast_new (_("Getting the patient’s record from the clinic server…")));
  fd_sync_service_fetch_patient_async (self->sync_service, patient_id, self->fetching,
                                       patient_fetched_cb, fetch);
}

/* A patient expected today and not yet checked in goes straight to
 * check-in; anyone else opens in the patient panel */
static void
open_result (FdWindow *self,
             guint     position)
{
  g_autoptr(FdPatientItem) item = g_list_model_get_item (G_LIST_MODEL (self->results), position);
  g_autofree char *appointment_id = NULL;
  g_autoptr(FdVisitItem) visit = NULL;
  GDate today;

  if (item == NULL)
    return;

  if (self->sync_service != NULL && g_hash_table_contains (self->server_hits, fd_patient_item_get_id (item)))
    {
      open_server_hit (self, fd_patient_item_get_id (item));
      return;
    }

  fd_date_set_today (&today, fd_store_get_time_zone (self->store));
  appointment_id = fd_store_find_today_appointment (self->store, fd_patient_item_get_id (item), &today);
  if (appointment_id != NULL)
    visit = fd_store_get_visit (self->store, appointment_id, g_get_real_time () / G_USEC_PER_SEC, NULL);

  if (visit != NULL && fd_visit_item_get_state (visit) == FD_FLOW_SCHEDULED)
    {
      show_search (self, FALSE);
      adw_view_stack_set_visible_child_name (self->view_stack, "checkin");
      fd_checkin_view_open_checkin (self->checkin_view, appointment_id);
      return;
    }
  fd_window_open_patient (self, fd_patient_item_get_id (item));
}

static void
set_sync_status (FdWindow *self)
{
  g_autoptr(GString) detail = g_string_new (NULL);
  g_autofree char *status = NULL;
  const char *icon = "network-offline-symbolic";
  gint64 pending = 0, parked = 0;
  gboolean first_download = FALSE;

  if (self->sync_service == NULL)
    {
      status = g_strdup (_("Standalone — no clinic server"));
      g_string_append (detail, _("This station is not connected to a clinic server. "
                                 "Everything is kept in this station’s own database."));
    }
  else
    {
      FdSyncService *service = self->sync_service;
      GDateTime *last_sync = fd_sync_service_get_last_sync (service);
      GDateTime *offline_since = fd_sync_service_get_offline_since (service);
      const char *last_error = fd_sync_service_get_last_error (service);

      if (self->store != NULL)
        fd_store_count_outbox (self->store, &pending, &parked, NULL);

      if (offline_since != NULL)
        {
          g_autofree char *since = fd_time_format_short (offline_since);

          if (pending > 0)
            /* Translators: "Offline since 10:42 — 7 changes waiting" */
            status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Offline since %s — %u change waiting",
                                                   "Offline since %s — %u changes waiting", (gulong) pending),
                                      since, (guint) pending);
          else
            status = g_strdup_printf (_("Offline since %s"), since);
        }
      else if (last_sync == NULL && fd_sync_service_get_busy (service))
        {
          guint done = fd_sync_service_get_progress (service);

          /* The first download can take minutes on a large clinic: say how far it is */
          if (done > 0)
            status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Downloading the clinic’s records… %u so far",
                                                   "Downloading the clinic’s records… %u so far", (gulong) done),
                                      done);
          else
            status = g_strdup (_("Downloading the clinic’s records…"));
          icon = "emblem-synchronizing-symbolic";
          first_download = TRUE;
          /* The server does not say how many records there are: the bar moves with each page */
          if (done != self->progress_shown)
            gtk_progress_bar_pulse (self->sync_progress);
          self->progress_shown = done;
          gtk_progress_bar_set_text (self->sync_progress, status);
        }
      else if (last_sync == NULL)
        status = g_strdup (last_error ? _("Not synced — see why") : _("Connecting to the clinic server…"));
      else
        {
          g_autofree char *when = fd_time_format_short (last_sync);

          icon = fd_sync_service_get_busy (service) ? "emblem-synchronizing-symbolic" : "network-server-symbolic";
          if (pending > 0)
            /* Translators: "Online · synced 10:42 · 3 waiting" */
            status = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Online · synced %s · %u waiting",
                                                   "Online · synced %s · %u waiting", (gulong) pending),
                                      when, (guint) pending);
          else
            status = g_strdup_printf (_("Online · synced %s"), when);
        }

      g_string_append_printf (detail, _("Clinic server: %s"), fd_sync_service_get_server_url (service));
      if (last_sync != NULL)
        {
          g_autofree char *when = fd_time_format_short (last_sync);
          g_string_append_c (detail, '\n');
          g_string_append_printf (detail, _("Last successful sync: %s"), when);
        }
      if (pending > 0)
        {
          g_string_append_c (detail, '\n');
          g_string_append_printf (detail, g_dngettext (GETTEXT_PACKAGE, "%u change made here waits for the server",
                                                       "%u changes made here wait for the server", (gulong) pending),
                                  (guint) pending);
        }
      if (parked > 0)
        {
          g_string_append_c (detail, '\n');
          g_string_append_printf (detail, g_dngettext (GETTEXT_PACKAGE, "%u change needs attention (frontdesk-ctl outbox)",
                                                       "%u changes need attention (frontdesk-ctl outbox)", (gulong) parked),
                                  (guint) parked);
        }
      if (last_error != NULL)
        {
          g_string_append_c (detail, '\n');
          g_string_append (detail, last_error);
        }
      {
        /* What the server lacks, and what the station does instead */
        g_auto(GStrv) limits = fd_sync_service_get_server_limits (self->sync_service);

        for (guint i = 0; limits && limits[i] != NULL; i++)
          {
            g_string_append_c (detail, '\n');
            g_string_append (detail, limits[i]);
          }
      }
    }

  gtk_widget_set_visible (GTK_WIDGET (self->sync_progress), first_download);

  /* The status is the truth about this desk: never cut it short */
  gtk_label_set_label (self->sync_label, status);
  gtk_label_set_width_chars (self->sync_label, (int) g_utf8_strlen (status, -1));
  fd_sync_panel_set_detail (self->sync_panel, detail->str);
  gtk_image_set_from_icon_name (self->sync_icon, icon);
}

static void
sync_state_changed_cb (FdWindow *self)
{
  set_sync_status (self);
}

static void
outbox_changed_cb (FdStore            *store,
                   const char         *type,
                   const char * const *ids,
                   FdWindow           *self)
{
  /* The count of waiting changes moves with every change made offline */
  if (self->sync_service != NULL)
    set_sync_status (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self->sync_panel)))
    fd_sync_panel_reload (self->sync_panel);
}

static void
sync_popover_shown_cb (FdWindow *self)
{
  fd_sync_panel_reload (self->sync_panel);
}

/* Callbacks */

static void
search_changed_cb (FdWindow *self)
{
  run_search (self);
}

static void
search_activated_cb (FdWindow *self)
{
  guint selected = gtk_single_selection_get_selected (self->selection);

  if (selected != GTK_INVALID_LIST_POSITION)
    open_result (self, selected);
}

static void
search_stopped_cb (FdWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  show_search (self, FALSE);
  if (adw_flap_get_reveal_flap (self->flap))
    adw_flap_set_reveal_flap (self->flap, FALSE);
}

static void
search_next_match_cb (FdWindow *self)
{
  move_selection (self, 1);
}

static gboolean
search_key_pressed_cb (GtkEventControllerKey *controller,
                       guint                  keyval,
                       guint                  keycode,
                       GdkModifierType        state,
                       FdWindow              *self)
{
  switch (keyval)
    {
    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      move_selection (self, 1);
      return TRUE;
    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      move_selection (self, -1);
      return TRUE;
    case GDK_KEY_Page_Down:
      move_selection (self, 10);
      return TRUE;
    case GDK_KEY_Page_Up:
      move_selection (self, -10);
      return TRUE;
    default:
      return FALSE;
    }
}

static void
search_result_activated_cb (FdWindow *self,
                            guint     position)
{
  open_result (self, position);
}

static void
patient_activated_cb (FdWindow   *self,
                      const char *patient_id)
{
  fd_window_open_patient (self, patient_id);
}

/* Check-in's "Collect Now": the patient's account opens in Payments with the
 * co-pay ready to take */
static void
collect_payment_cb (FdWindow   *self,
                    const char *patient_id,
                    gint64      cents,
                    const char *currency)
{
  GtkWindow *dialog = fd_checkin_view_get_dialog (self->checkin_view);

  if (dialog != NULL)
    gtk_window_close (dialog);
  adw_view_stack_set_visible_child_name (self->view_stack, "payments");
  /* The co-pay is offered as the amount; the cashier sees the whole account */
  fd_payments_view_open_account (self->payments_view, patient_id, cents > 0 ? cents : -1);
}

static void
patient_panel_close_cb (FdWindow *self)
{
  adw_flap_set_reveal_flap (self->flap, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
visible_view_changed_cb (FdWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->view_stack);

  if (self->settings != NULL && name != NULL)
    g_settings_set_string (self->settings, "last-view", name);
}

static void
search_item_setup_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *list_item,
                      gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *detail = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "heading");
  gtk_label_set_xalign (GTK_LABEL (detail), 0);
  gtk_label_set_ellipsize (GTK_LABEL (detail), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (detail, "dim-label");
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), detail);
  gtk_list_item_set_child (list_item, box);
}

static void
search_item_bind_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *list_item,
                     gpointer                  user_data)
{
  FdWindow *self = user_data;
  FdPatientItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *detail = gtk_widget_get_next_sibling (name);
  g_autofree char *description = describe_patient (item);

  if (g_hash_table_contains (self->server_hits, fd_patient_item_get_id (item)))
    {
      g_autofree char *from_server = g_strdup_printf ("%s  ·  %s", _("From the clinic server"), description);

      g_free (description);
      description = g_steal_pointer (&from_server);
    }
  else if (self->seen_today != NULL && g_hash_table_contains (self->seen_today, fd_patient_item_get_id (item)))
    {
      g_autofree char *with_today = g_strdup_printf ("%s  ·  %s", _("Appointment today"), description);

      g_free (description);
      description = g_steal_pointer (&with_today);
    }
  gtk_label_set_label (GTK_LABEL (name), fd_patient_item_get_display (item));
  gtk_label_set_label (GTK_LABEL (detail), description);
}

/* Actions */

static void
view_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FdWindow *self = FD_WINDOW (widget);

  show_search (self, FALSE);
  adw_view_stack_set_visible_child_name (self->view_stack, g_variant_get_string (parameter, NULL));
}

static void
walk_in_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FdWindow *self = FD_WINDOW (widget);

  show_search (self, FALSE);
  adw_view_stack_set_visible_child_name (self->view_stack, "checkin");
  gtk_widget_activate_action (GTK_WIDGET (self->checkin_view), "board.walkin", NULL);
}

static void
search_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FdWindow *self = FD_WINDOW (widget);

  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
  if (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))[0] != '\0')
    show_search (self, TRUE);
}

static void
close_patient_action_cb (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  patient_panel_close_cb (FD_WINDOW (widget));
}

/* Object */

static void
save_window_state (FdWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
fd_window_close_request (GtkWindow *window)
{
  save_window_state (FD_WINDOW (window));
  return GTK_WINDOW_CLASS (fd_window_parent_class)->close_request (window);
}

static void
fd_window_dispose (GObject *object)
{
  FdWindow *self = (FdWindow *)object;

  g_clear_handle_id (&self->server_search_id, g_source_remove);
  g_cancellable_cancel (self->server_search);
  g_clear_object (&self->server_search);
  g_cancellable_cancel (self->fetching);
  g_clear_object (&self->fetching);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_WINDOW);
  g_clear_object (&self->selection);
  g_clear_object (&self->results);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->seen_today, g_hash_table_unref);
  g_clear_pointer (&self->server_hits, g_hash_table_unref);
  if (self->sync_service != NULL)
    g_clear_signal_handler (&self->sync_state_id, self->sync_service);
  g_clear_object (&self->sync_service);
  if (self->store != NULL)
    g_clear_signal_handler (&self->outbox_changed_id, self->store);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fd_window_parent_class)->dispose (object);
}

static void
fd_window_class_init (FdWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);
  static const char * const views[] = { "checkin", "calendar", "chartprep", "payments" };

  object_class->dispose = fd_window_dispose;
  window_class->close_request = fd_window_close_request;

  g_type_ensure (FD_TYPE_CHECKIN_VIEW);
  g_type_ensure (FD_TYPE_CALENDAR_VIEW);
  g_type_ensure (FD_TYPE_CHARTPREP_VIEW);
  g_type_ensure (FD_TYPE_PAYMENTS_VIEW);
  g_type_ensure (FD_TYPE_PATIENT_PANEL);
  g_type_ensure (FD_TYPE_SYNC_PANEL);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/fd-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FdWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, sync_label);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, sync_panel);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, sync_progress);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, sync_icon);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, flap);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, search_stack);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, search_server_label);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, search_list);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, checkin_view);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, calendar_view);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, chartprep_view);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, payments_view);
  gtk_widget_class_bind_template_child (widget_class, FdWindow, patient_panel);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_stopped_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_next_match_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_result_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, patient_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, patient_panel_close_cb);
  gtk_widget_class_bind_template_callback (widget_class, collect_payment_cb);
  gtk_widget_class_bind_template_callback (widget_class, visible_view_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, sync_popover_shown_cb);

  gtk_widget_class_install_action (widget_class, "win.view", "s", view_action_cb);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action_cb);
  gtk_widget_class_install_action (widget_class, "win.walk-in", NULL, walk_in_action_cb);
  gtk_widget_class_install_action (widget_class, "win.close-patient", NULL, close_patient_action_cb);

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_CONTROL_MASK,
                                         "win.view", "s", views[i]);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.walk-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.close-patient", NULL);
}

static void
fd_window_init (FdWindow *self)
{
  GtkListItemFactory *factory;
  GtkEventController *keys;
  GSettingsSchema *schema;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->results = g_list_store_new (FD_TYPE_PATIENT_ITEM);
  self->server_hits = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->results)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_list_view_set_model (self->search_list, GTK_SELECTION_MODEL (self->selection));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (search_item_setup_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (search_item_bind_cb), self);
  gtk_list_view_set_factory (self->search_list, factory);
  g_object_unref (factory);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (search_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  gtk_search_entry_set_key_capture_widget (self->search_entry, NULL);

  schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (), APP_ID, TRUE);
  if (schema != NULL)
    {
      self->settings = g_settings_new (APP_ID);
      g_settings_schema_unref (schema);
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
    }

  set_sync_status (self);
}

/**
 * fd_window_new:
 * @application: the application
 * @store: (nullable): the station's store
 * @store_error: (nullable): why there is no store
 *
 * Returns: (transfer none): a new window, owned by @application
 */
FdWindow *
fd_window_new (FdApplication *application,
               FdStore       *store,
               const GError  *store_error)
{
  FdWindow *self = g_object_new (FD_TYPE_WINDOW, "application", application, NULL);

  if (store == NULL)
    {
      adw_status_page_set_description (self->error_page,
                                       store_error ? store_error->message : _("Unknown error"));
      gtk_stack_set_visible_child_name (self->main_stack, "error");
      gtk_widget_set_sensitive (GTK_WIDGET (self->search_entry), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->switcher_title), FALSE);
      return self;
    }

  self->store = g_object_ref (store);
  self->outbox_changed_id = g_signal_connect (store, "changed", G_CALLBACK (outbox_changed_cb), self);
  fd_sync_panel_set_store (self->sync_panel, store);
  g_object_set (self->checkin_view, "store", store, NULL);
  g_object_set (self->calendar_view, "store", store, NULL);
  g_object_set (self->chartprep_view, "store", store, NULL);
  g_object_set (self->payments_view, "store", store, NULL);
  g_object_set (self->patient_panel, "store", store, NULL);

  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->search_entry));

  if (self->settings != NULL)
    {
      g_autofree char *last_view = g_settings_get_string (self->settings, "last-view");

      adw_view_stack_set_visible_child_name (self->view_stack, last_view);
    }

  return self;
}

/**
 * fd_window_open_patient:
 * @self: the window
 * @patient_id: a Patient id
 *
 * Shows the patient panel for @patient_id beside the current view.
 */
void
fd_window_open_patient (FdWindow   *self,
                        const char *patient_id)
{
  g_return_if_fail (FD_IS_WINDOW (self));

  fd_patient_panel_set_patient_id (self->patient_panel, patient_id);
  adw_flap_set_reveal_flap (self->flap, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->patient_panel));
}

/**
 * fd_window_get_search_results:
 * @self: the window
 *
 * Returns: (transfer none): the current search results, of #FdPatientItem
 */
GListModel *
fd_window_get_search_results (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);
  return G_LIST_MODEL (self->results);
}

/**
 * fd_window_get_search_note:
 * @self: the window
 *
 * Returns: (transfer none) (nullable): what the search says about the
 *   clinic server (searching it, or that it cannot be reached), if anything
 */
const char *
fd_window_get_search_note (FdWindow *self)
{
  g_return_val_if_fail (FD_IS_WINDOW (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->search_server_label)))
    return NULL;
  return gtk_label_get_label (self->search_server_label);
}

/**
 * fd_window_set_sync_service:
 * @self: the window
 * @service: (nullable): the service that syncs this station, %NULL when standalone
 *
 * The header's status area follows @service.
 */
void
fd_window_set_sync_service (FdWindow      *self,
                            FdSyncService *service)
{
  g_return_if_fail (FD_IS_WINDOW (self));

  if (self->sync_service != NULL)
    g_clear_signal_handler (&self->sync_state_id, self->sync_service);
  cancel_server_search (self);
  g_set_object (&self->sync_service, service);
  fd_sync_panel_set_service (self->sync_panel, service);
  fd_checkin_view_set_client (self->checkin_view, service ? fd_sync_service_get_client (service) : NULL);
  if (service != NULL)
    self->sync_state_id = g_signal_connect_swapped (service, "state-changed",
                                                    G_CALLBACK (sync_state_changed_cb), self);
  set_sync_status (self);
}
