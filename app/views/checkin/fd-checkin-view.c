/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdCheckinView"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fd-board-model.h"
#include "fd-checkin-dialog.h"
#include "fd-checkin-view.h"
#include "fd-dates.h"
#include "fd-fhir.h"
#include "fd-store-checkin.h"
#include "fd-view-util.h"
#include "fd-walkin-dialog.h"

/* The desk's flow board: today's patients by time or status, who is waiting
 * and for how long, what is outstanding, and the status changes a desk
 * makes — kept current whichever desk makes a change. */
struct _FdCheckinView
{
  GtkWidget           parent_instance;

  FdStore            *store;
  gulong              changed_id;
  FdFhirClient       *client;
  GDateTime          *date;
  GSettings          *settings;
  FdBoardModel       *board;
  GtkFilterListModel *filtered;
  GtkSortListModel   *sorted;
  GtkSingleSelection *selection;
  GtkCustomFilter    *filter;
  GPtrArray          *provider_ids;    /* parallel to the provider dropdown, after "All" */
  GPtrArray          *location_names;  /* parallel to the location dropdown, after "All" */
  GHashTable         *timed_labels;    /* labels whose text depends on the clock */
  GHashTable         *my_checkins;     /* appointment ids this desk checked in */
  GtkWindow          *dialog;
  guint               tick_id;
  guint               wait_threshold;  /* minutes */
  guint               late_window;     /* minutes */
  char               *station;

  GtkLabel           *title_label;
  GtkLabel           *summary_label;
  GtkStack           *stack;
  GtkColumnView      *column_view;
  GtkDropDown        *provider_dropdown;
  GtkDropDown        *location_dropdown;
  GtkDropDown        *order_dropdown;
};

G_DEFINE_FINAL_TYPE (FdCheckinView, fd_checkin_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_DATE,
  N_PROPS
};

enum {
  PATIENT_ACTIVATED,
  COLLECT_PAYMENT,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef enum
{
  COLUMN_TIME,
  COLUMN_PATIENT,
  COLUMN_PROVIDER,
  COLUMN_STATUS,
  COLUMN_IN_STATUS,
  COLUMN_WAIT,
  COLUMN_OUTSTANDING,
  N_COLUMNS
} Column;

static const char * const column_titles[N_COLUMNS] = {
  N_("Time"), N_("Patient"), N_("Provider"), N_("Status"),
  N_("In Status"), N_("Waiting"), N_("To Do"),
};

/* Helpers */

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static GDateTime *
now_local (FdCheckinView *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_to_timezone (now, fd_store_get_time_zone (self->store));
}

static char *
format_minutes (gint64 seconds)
{
  gint64 minutes = MAX (seconds, 0) / 60;

  if (minutes < 60)
    /* Translators: a wait in minutes, "12 min" */
    return g_strdup_printf (_("%d min"), (int) minutes);
  /* Translators: a wait in hours and minutes, "1 h 05 min" */
  return g_strdup_printf (_("%d h %02d min"), (int) (minutes / 60), (int) (minutes % 60));
}

static FdVisitItem *
selected_visit (FdCheckinView *self)
{
  return gtk_single_selection_get_selected_item (self->selection);
}

static gboolean
is_late (FdCheckinView *self,
         FdVisitItem   *visit,
         gint64         now)
{
  gint64 start = fd_appointment_item_get_start (fd_visit_item_get_appointment (visit));
  gint64 limit = start + (gint64) self->late_window * 60;
  FdFlowState state = fd_visit_item_get_state (visit);

  if (start == 0)
    return FALSE;
  if (fd_visit_item_get_arrived (visit) != 0)
    return fd_visit_item_get_arrived (visit) > limit;
  return state == FD_FLOW_SCHEDULED && now > limit;
}

static char *
outstanding_text (FdVisitItem *visit)
{
  FdOutstanding outstanding = fd_visit_item_get_outstanding (visit);
  g_autoptr(GString) text = g_string_new (NULL);

  if (outstanding & FD_OUTSTANDING_NO_COVERAGE)
    g_string_append (text, _("No insurance on file"));
  if (outstanding & FD_OUTSTANDING_NOT_VERIFIED)
    g_string_append_printf (text, "%s%s", text->len ? " · " : "", _("Insurance not verified"));
  if (outstanding & FD_OUTSTANDING_FORMS)
    {
      guint n = fd_visit_item_get_forms_missing (visit);

      g_string_append (text, text->len ? " · " : "");
      g_string_append_printf (text, g_dngettext (NULL, "%u form missing", "%u forms missing", n), n);
    }
  if (outstanding & FD_OUTSTANDING_COPAY)
    {
      FdMoneyStyle style;
      g_autofree char *amount = NULL;

      fd_money_style_from_locale (&style);
      amount = fd_money_format (fd_visit_item_get_copay (visit), &style);
      g_string_append (text, text->len ? " · " : "");
      /* Translators: an amount due */
      g_string_append_printf (text, _("Co-pay %s"), amount);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
set_label (GtkLabel   *label,
           const char *text,
           const char *css_class,
           gboolean    on)
{
  gtk_label_set_label (label, text ? text : "");
  if (css_class == NULL)
    return;
  if (on)
    gtk_widget_add_css_class (GTK_WIDGET (label), css_class);
  else
    gtk_widget_remove_css_class (GTK_WIDGET (label), css_class);
}

static void
render_cell (FdCheckinView *self,
             GtkLabel      *label,
             FdVisitItem   *visit,
             Column         column,
             gint64         now)
{
  FdAppointmentItem *appointment = fd_visit_item_get_appointment (visit);
  FdFlowState state = fd_visit_item_get_state (visit);
  gboolean waiting = state == FD_FLOW_ARRIVED || state == FD_FLOW_ROOMED;

  switch (column)
    {
    case COLUMN_TIME:
      {
        g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (fd_appointment_item_get_start (appointment));
        g_autoptr(GDateTime) local = g_date_time_to_timezone (start, fd_store_get_time_zone (self->store));
        g_autofree char *time = fd_time_format_short (local);
        gboolean late = is_late (self, visit, now);
        g_autofree char *text = late ? g_strdup_printf (_("%s · Late"), time) : g_strdup (time);

        set_label (label, text, "warning", late);
      }
      break;
    case COLUMN_PATIENT:
      set_label (label, fd_appointment_item_get_patient_display (appointment), NULL, FALSE);
      break;
    case COLUMN_PROVIDER:
      set_label (label, fd_appointment_item_get_practitioner_display (appointment), NULL, FALSE);
      break;
    case COLUMN_STATUS:
      {
        const char *room = fd_visit_item_get_room (visit);
        g_autofree char *text = NULL;

        if (state == FD_FLOW_ROOMED && room != NULL)
          /* Translators: "Roomed · Exam 4" */
          text = g_strdup_printf (_("%s · %s"), fd_flow_state_label (state), room);
        else
          text = g_strdup (fd_flow_state_label (state));
        set_label (label, text, NULL, FALSE);
        for (int s = 0; s < FD_FLOW_N_STATES; s++)
          gtk_widget_remove_css_class (GTK_WIDGET (label), s == FD_FLOW_SCHEDULED ? "flow-scheduled" :
                                       s == FD_FLOW_ARRIVED ? "flow-arrived" :
                                       s == FD_FLOW_ROOMED ? "flow-roomed" :
                                       s == FD_FLOW_CHECKED_OUT ? "flow-checked-out" :
                                       s == FD_FLOW_NO_SHOW ? "flow-no-show" : "flow-cancelled");
        gtk_widget_add_css_class (GTK_WIDGET (label), state == FD_FLOW_SCHEDULED ? "flow-scheduled" :
                                  state == FD_FLOW_ARRIVED ? "flow-arrived" :
                                  state == FD_FLOW_ROOMED ? "flow-roomed" :
                                  state == FD_FLOW_CHECKED_OUT ? "flow-checked-out" :
                                  state == FD_FLOW_NO_SHOW ? "flow-no-show" : "flow-cancelled");
      }
      break;
    case COLUMN_IN_STATUS:
      {
        gint64 since = fd_visit_item_get_since (visit);
        g_autofree char *text = waiting && since ? format_minutes (now - since) : g_strdup ("—");
        gboolean long_wait = state == FD_FLOW_ARRIVED && since &&
                             now - since > (gint64) self->wait_threshold * 60;

        set_label (label, text, "fd-long-wait", long_wait);
      }
      break;
    case COLUMN_WAIT:
      {
        gint64 arrived = fd_visit_item_get_arrived (visit);
        g_autofree char *text = NULL;

        if (arrived != 0 && waiting)
          text = format_minutes (now - arrived);
        else
          text = g_strdup ("—");
        set_label (label, text, NULL, FALSE);
      }
      break;
    case COLUMN_OUTSTANDING:
      {
        g_autofree char *text = outstanding_text (visit);

        set_label (label, text, "warning", fd_visit_item_get_outstanding (visit) != FD_OUTSTANDING_NONE);
      }
      break;
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static void
update_summary (FdCheckinView *self)
{
  GListModel *rows = fd_board_model_get_model (self->board);
  guint n = g_list_model_get_n_items (rows);
  guint waiting = 0, active = 0;
  g_autofree char *summary = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FdVisitItem) visit = g_list_model_get_item (rows, i);
      FdFlowState state = fd_visit_item_get_state (visit);

      if (state == FD_FLOW_ARRIVED)
        waiting++;
      if (state != FD_FLOW_CANCELLED)
        active++;
    }

  /* Translators: a summary of the day's list, "42 appointments · 5 waiting" */
  summary = g_strdup_printf (_("%u appointments · %u waiting"), active, waiting);
  gtk_label_set_label (self->summary_label, summary);
  gtk_widget_set_visible (GTK_WIDGET (self->summary_label), n > 0);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "list" : "empty");
}

static void
update_actions (FdCheckinView *self)
{
  FdVisitItem *visit = self->store ? selected_visit (self) : NULL;
  FdFlowState state = visit ? fd_visit_item_get_state (visit) : FD_FLOW_CANCELLED;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "board.checkin", state == FD_FLOW_SCHEDULED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "board.room",
                                 state == FD_FLOW_ARRIVED || state == FD_FLOW_ROOMED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "board.checkout",
                                 state == FD_FLOW_ARRIVED || state == FD_FLOW_ROOMED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "board.noshow", state == FD_FLOW_SCHEDULED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "board.undo",
                                 visit != NULL && state != FD_FLOW_SCHEDULED && state != FD_FLOW_CANCELLED);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "board.walkin", self->store != NULL);
}

/* Whether a row brings a provider or a place the filters do not offer */
static gboolean
adds_to_filters (FdCheckinView *self,
                 FdVisitItem   *visit)
{
  FdAppointmentItem *appointment = fd_visit_item_get_appointment (visit);
  const char *id = fd_appointment_item_get_practitioner_id (appointment);
  const char *location = fd_appointment_item_get_location_display (appointment);

  return (id != NULL && !g_ptr_array_find_with_equal_func (self->provider_ids, id, g_str_equal, NULL)) ||
         (location != NULL && *location != '\0' &&
          !g_ptr_array_find_with_equal_func (self->location_names, location, g_str_equal, NULL));
}

static void
fill_filters (FdCheckinView *self)
{
  GListModel *rows = fd_board_model_get_model (self->board);
  g_autoptr(GtkStringList) providers = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) locations = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) provider_names = g_ptr_array_new ();
  const char *current_provider = NULL;
  const char *current_location = NULL;
  g_autofree char *keep_provider = NULL;
  g_autofree char *keep_location = NULL;
  guint selected;

  selected = gtk_drop_down_get_selected (self->provider_dropdown);
  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected - 1 < self->provider_ids->len)
    current_provider = g_ptr_array_index (self->provider_ids, selected - 1);
  keep_provider = g_strdup (current_provider);
  selected = gtk_drop_down_get_selected (self->location_dropdown);
  if (selected != GTK_INVALID_LIST_POSITION && selected > 0 && selected - 1 < self->location_names->len)
    current_location = g_ptr_array_index (self->location_names, selected - 1);
  keep_location = g_strdup (current_location);

  g_ptr_array_set_size (self->provider_ids, 0);
  g_ptr_array_set_size (self->location_names, 0);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(FdVisitItem) visit = g_list_model_get_item (rows, i);
      FdAppointmentItem *appointment = fd_visit_item_get_appointment (visit);
      const char *id = fd_appointment_item_get_practitioner_id (appointment);
      const char *location = fd_appointment_item_get_location_display (appointment);

      if (id != NULL && !g_ptr_array_find_with_equal_func (self->provider_ids, id, g_str_equal, NULL))
        {
          g_ptr_array_add (self->provider_ids, g_strdup (id));
          g_ptr_array_add (provider_names, (gpointer) fd_appointment_item_get_practitioner_display (appointment));
        }
      if (location != NULL && *location != '\0' &&
          !g_ptr_array_find_with_equal_func (self->location_names, location, g_str_equal, NULL))
        g_ptr_array_add (self->location_names, g_strdup (location));
    }

  gtk_string_list_append (providers, _("All providers"));
  for (guint i = 0; i < provider_names->len; i++)
    gtk_string_list_append (providers, g_ptr_array_index (provider_names, i));
  gtk_string_list_append (locations, _("All locations"));
  for (guint i = 0; i < self->location_names->len; i++)
    gtk_string_list_append (locations, g_ptr_array_index (self->location_names, i));

  gtk_drop_down_set_model (self->provider_dropdown, G_LIST_MODEL (providers));
  gtk_drop_down_set_model (self->location_dropdown, G_LIST_MODEL (locations));

  selected = 0;
  for (guint i = 0; keep_provider && i < self->provider_ids->len; i++)
    if (g_str_equal (keep_provider, g_ptr_array_index (self->provider_ids, i)))
      selected = i + 1;
  gtk_drop_down_set_selected (self->provider_dropdown, selected);
  selected = 0;
  for (guint i = 0; keep_location && i < self->location_names->len; i++)
    if (g_str_equal (keep_location, g_ptr_array_index (self->location_names, i)))
      selected = i + 1;
  gtk_drop_down_set_selected (self->location_dropdown, selected);
}

static void
reload (FdCheckinView *self)
{
  g_autofree char *title = NULL;
  GDate day;

  if (self->date == NULL)
    return;

  fd_date_from_date_time (&day, self->date);
  title = fd_date_format_long (&day);
  gtk_label_set_label (self->title_label, title);
  fd_board_model_set_day (self->board, &day);
}

/* Status changes */

static void
toast_error (FdCheckinView *self,
             const GError  *error)
{
  AdwToast *toast = adw_toast_new (error->message);

  adw_toast_set_timeout (toast, 8);
  fd_view_show_toast (GTK_WIDGET (self), toast);
}

static void
change_visit (FdCheckinView *self,
              const char    *appointment_id,
              FdFlowState    state,
              const char    *room)
{
  g_autoptr(GDateTime) now = now_local (self);
  g_autoptr(GError) error = NULL;

  if (!fd_store_change_visit (self->store, appointment_id, state, room, now, self->station, &error))
    toast_error (self, error);
}

static void
undo_visit (FdCheckinView *self,
            const char    *appointment_id,
            const char    *reason)
{
  g_autoptr(GDateTime) now = now_local (self);
  g_autoptr(GError) error = NULL;

  if (!fd_store_undo_visit (self->store, appointment_id, reason, now, self->station, &error))
    toast_error (self, error);
  else
    g_hash_table_remove (self->my_checkins, appointment_id);
}

typedef struct
{
  FdCheckinView *view;
  char          *appointment_id;
  GtkEditable   *entry;
  gboolean       undo;
} Ask;

static void
ask_free (gpointer  data,
          GClosure *closure)
{
  Ask *ask = data;

  g_object_unref (ask->view);
  g_free (ask->appointment_id);
  g_free (ask);
}

static void
ask_response_cb (AdwMessageDialog *dialog,
                 const char       *response,
                 Ask              *ask)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (ask->entry));

  g_strstrip (text);
  if (g_str_equal (response, "ok"))
    {
      if (ask->undo)
        undo_visit (ask->view, ask->appointment_id, text);
      else
        change_visit (ask->view, ask->appointment_id, FD_FLOW_ROOMED, text);
    }
}

static void
ask_text_changed_cb (GtkEditable      *entry,
                     AdwMessageDialog *dialog)
{
  g_autofree char *text = g_strdup (gtk_editable_get_text (entry));

  adw_message_dialog_set_response_enabled (dialog, "ok", *g_strstrip (text) != '\0');
}

/* A question with one line of text for an answer: the room, or why a
 * check-in is undone */
static void
ask (FdCheckinView *self,
     const char    *appointment_id,
     gboolean       undo,
     const char    *heading,
     const char    *body,
     const char    *entry_label,
     const char    *initial,
     const char    *confirm)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog;
  GtkWidget *entry = gtk_entry_new ();
  Ask *data = g_new0 (Ask, 1);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading, body));
  gtk_editable_set_text (GTK_EDITABLE (entry), initial ? initial : "");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, entry_label, -1);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "ok", confirm, NULL);
  adw_message_dialog_set_response_appearance (dialog, "ok",
                                              undo ? ADW_RESPONSE_DESTRUCTIVE : ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "ok");
  adw_message_dialog_set_close_response (dialog, "cancel");
  ask_text_changed_cb (GTK_EDITABLE (entry), dialog);
  g_signal_connect (entry, "changed", G_CALLBACK (ask_text_changed_cb), dialog);

  data->view = g_object_ref (self);
  data->appointment_id = g_strdup (appointment_id);
  data->entry = GTK_EDITABLE (entry);
  data->undo = undo;
  g_signal_connect_data (dialog, "response", G_CALLBACK (ask_response_cb), data,
                         ask_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
  gtk_editable_select_region (GTK_EDITABLE (entry), 0, -1);
}

static void
ask_undo (FdCheckinView *self,
          const char    *appointment_id)
{
  g_autoptr(FdVisitItem) visit = fd_store_get_visit (self->store, appointment_id, now_unix (), NULL);

  if (visit == NULL)
    return;

  if (fd_visit_item_get_state (visit) == FD_FLOW_ARRIVED)
    ask (self, appointment_id, TRUE, _("Undo the Check-in?"),
         _("The appointment goes back to scheduled and the visit is cancelled. Say why, for the record."),
         _("Reason"), _("Checked in by mistake"), _("_Undo Check-in"));
  else
    undo_visit (self, appointment_id, NULL);
}

static void
undo_toast_cb (AdwToast *toast,
               gpointer  user_data)
{
  FdCheckinView *self = g_object_get_data (G_OBJECT (toast), "view");
  const char *appointment_id = g_object_get_data (G_OBJECT (toast), "appointment-id");
  g_autoptr(FdVisitItem) visit = fd_store_get_visit (self->store, appointment_id, now_unix (), NULL);

  /* The toast undoes the check-in it announced, not whatever happened since */
  if (visit == NULL || fd_visit_item_get_state (visit) != FD_FLOW_ARRIVED)
    {
      fd_view_show_toast (GTK_WIDGET (self),
                          adw_toast_new (_("The visit has moved on since; undo it from the board")));
      return;
    }
  ask_undo (self, appointment_id);
}

static void
dialog_checked_in_cb (FdCheckinDialog *dialog,
                      const char      *appointment_id,
                      const char      *patient_display,
                      FdCheckinView   *self)
{
  g_autofree char *title = g_strdup_printf (_("%s is checked in"), patient_display);
  AdwToast *toast = adw_toast_new (title);

  g_hash_table_add (self->my_checkins, g_strdup (appointment_id));
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_timeout (toast, 10);
  g_object_set_data_full (G_OBJECT (toast), "view", g_object_ref (self), g_object_unref);
  g_object_set_data_full (G_OBJECT (toast), "appointment-id", g_strdup (appointment_id), g_free);
  g_signal_connect (toast, "button-clicked", G_CALLBACK (undo_toast_cb), NULL);
  fd_view_show_toast (GTK_WIDGET (self), toast);
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

static void
dialog_collect_cb (FdCheckinDialog *dialog,
                   const char      *patient_id,
                   gint64           cents,
                   const char      *currency,
                   FdCheckinView   *self)
{
  g_signal_emit (self, signals[COLLECT_PAYMENT], 0, patient_id, cents, currency);
}

static void
dialog_destroyed_cb (FdCheckinView *self)
{
  self->dialog = NULL;
}

static void
present_dialog (FdCheckinView *self,
                GtkWindow     *dialog)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  self->dialog = dialog;
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (dialog_destroyed_cb), self, G_CONNECT_SWAPPED);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (dialog, GTK_WINDOW (root));
  gtk_window_present (dialog);
}

/* Callbacks */

static void
encounters_changed (FdCheckinView      *self,
                    const char * const *ids)
{
  /* A visit this desk checked in that another desk checked in first */
  for (guint i = 0; ids && ids[i] != NULL; i++)
    {
      g_autoptr(JsonObject) encounter = fd_store_get (self->store, "Encounter", ids[i], NULL);
      JsonObject *reference = fd_fhir_array_object (fd_fhir_get_array (encounter, "appointment"), 0);
      const char *appointment_id = fd_fhir_reference_id (reference, "Appointment");
      const char *who = NULL;
      const char *since = NULL;

      if (appointment_id == NULL || !g_hash_table_contains (self->my_checkins, appointment_id))
        continue;
      if (!fd_encounter_checked_in_by (encounter, &who, &since) || who == NULL ||
          g_strcmp0 (who, self->station) == 0)
        continue;

      {
        g_autoptr(GDateTime) when = fd_date_time_parse (since, fd_store_get_time_zone (self->store));
        g_autofree char *time = when ? fd_time_format_short (when) : g_strdup ("?");
        g_autofree char *display = g_strdup (fd_fhir_get_string (fd_fhir_get_object (encounter, "subject"), "display"));
        g_autofree char *text = NULL;
        AdwToast *toast;

        if (display != NULL)
          /* Translators: patient, desk code, time */
          text = g_strdup_printf (_("%s was checked in by %s at %s; that check-in stands"), display, who, time);
        else
          text = g_strdup_printf (_("This patient was checked in by %s at %s; that check-in stands"), who, time);
        toast = adw_toast_new (text);
        adw_toast_set_timeout (toast, 0);
        fd_view_show_toast (GTK_WIDGET (self), toast);
        g_hash_table_remove (self->my_checkins, appointment_id);
      }
    }
}

static void
store_changed_cb (FdStore            *store,
                  const char         *type,
                  const char * const *ids,
                  FdCheckinView      *self)
{
  if (g_str_equal (type, "Encounter"))
    encounters_changed (self, ids);
  update_actions (self);
  update_summary (self);
}

static void
board_reloaded_cb (FdCheckinView *self)
{
  fill_filters (self);
  update_summary (self);
  update_actions (self);
}

static void
rows_changed_cb (FdCheckinView *self,
                 guint          position,
                 guint          removed,
                 guint          added,
                 GListModel    *rows)
{
  /* A walk-in can bring a provider or a place the day did not have: only the
   * rows that came in are looked at */
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(FdVisitItem) visit = g_list_model_get_item (rows, i);

      if (adds_to_filters (self, visit))
        {
          fill_filters (self);
          break;
        }
    }
  update_summary (self);
  update_actions (self);
}

static void
row_activated_cb (FdCheckinView *self,
                  guint          position)
{
  g_autoptr(FdVisitItem) visit = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (visit == NULL)
    return;
  if (fd_visit_item_get_state (visit) == FD_FLOW_SCHEDULED)
    fd_checkin_view_open_checkin (self, fd_visit_item_get_id (visit));
  else
    g_signal_emit (self, signals[PATIENT_ACTIVATED], 0,
                   fd_appointment_item_get_patient_id (fd_visit_item_get_appointment (visit)));
}

static gboolean
filter_visit (gpointer item,
              gpointer user_data)
{
  FdCheckinView *self = user_data;
  FdAppointmentItem *appointment = fd_visit_item_get_appointment (item);
  guint provider = gtk_drop_down_get_selected (self->provider_dropdown);
  guint location = gtk_drop_down_get_selected (self->location_dropdown);

  if (provider != GTK_INVALID_LIST_POSITION && provider > 0 && provider - 1 < self->provider_ids->len &&
      g_strcmp0 (fd_appointment_item_get_practitioner_id (appointment),
                 g_ptr_array_index (self->provider_ids, provider - 1)) != 0)
    return FALSE;
  if (location != GTK_INVALID_LIST_POSITION && location > 0 && location - 1 < self->location_names->len &&
      g_strcmp0 (fd_appointment_item_get_location_display (appointment),
                 g_ptr_array_index (self->location_names, location - 1)) != 0)
    return FALSE;
  return TRUE;
}

/* Grouped by status, the patients waiting at the desk first */
static int
compare_by_status (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  static const int rank[FD_FLOW_N_STATES] = {
    [FD_FLOW_ARRIVED] = 0, [FD_FLOW_ROOMED] = 1, [FD_FLOW_SCHEDULED] = 2,
    [FD_FLOW_CHECKED_OUT] = 3, [FD_FLOW_NO_SHOW] = 4, [FD_FLOW_CANCELLED] = 5,
  };
  int x = rank[fd_visit_item_get_state ((FdVisitItem *) a)];
  int y = rank[fd_visit_item_get_state ((FdVisitItem *) b)];
  gint64 sx, sy;

  if (x != y)
    return x < y ? -1 : 1;
  sx = fd_appointment_item_get_start (fd_visit_item_get_appointment ((FdVisitItem *) a));
  sy = fd_appointment_item_get_start (fd_visit_item_get_appointment ((FdVisitItem *) b));
  return sx < sy ? -1 : sx > sy;
}

static void
filter_changed_cb (FdCheckinView *self)
{
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
}

static void
order_changed_cb (FdCheckinView *self)
{
  g_autoptr(GtkSorter) sorter = NULL;

  if (gtk_drop_down_get_selected (self->order_dropdown) == 1)
    sorter = GTK_SORTER (gtk_custom_sorter_new (compare_by_status, NULL, NULL));
  gtk_sort_list_model_set_sorter (self->sorted, sorter);
}

static void
selection_changed_cb (FdCheckinView *self)
{
  update_actions (self);
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               FdCheckinView            *self)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_list_item_set_child (list_item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              FdCheckinView            *self)
{
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (list_item));
  FdVisitItem *visit = gtk_list_item_get_item (list_item);
  Column column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));

  render_cell (self, label, visit, column, now_unix ());
  if (column == COLUMN_TIME || column == COLUMN_IN_STATUS || column == COLUMN_WAIT)
    {
      g_object_set_data (G_OBJECT (label), "visit", visit);
      g_object_set_data (G_OBJECT (label), "column", GUINT_TO_POINTER (column));
      g_hash_table_add (self->timed_labels, label);
    }
}

static void
cell_unbind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                FdCheckinView            *self)
{
  GtkWidget *label = gtk_list_item_get_child (list_item);

  g_hash_table_remove (self->timed_labels, label);
  g_object_set_data (G_OBJECT (label), "visit", NULL);
}

/* The board shows the clinic's today: after midnight it moves on by itself */
static void
follow_today (FdCheckinView *self)
{
  g_autoptr(GDateTime) now = NULL;
  GDate today, shown;

  if (self->store == NULL)
    return;
  now = now_local (self);
  fd_date_from_date_time (&today, now);
  if (self->date != NULL)
    {
      fd_date_from_date_time (&shown, self->date);
      if (g_date_compare (&today, &shown) == 0)
        return;
    }
  g_clear_pointer (&self->date, g_date_time_unref);
  self->date = g_steal_pointer (&now);
  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATE]);
}

static gboolean
tick_cb (gpointer user_data)
{
  FdCheckinView *self = user_data;
  GHashTableIter iter;
  gpointer label;
  gint64 now = now_unix ();

  follow_today (self);

  g_hash_table_iter_init (&iter, self->timed_labels);
  while (g_hash_table_iter_next (&iter, &label, NULL))
    {
      FdVisitItem *visit = g_object_get_data (label, "visit");

      if (visit != NULL)
        render_cell (self, label, visit,
                     GPOINTER_TO_UINT (g_object_get_data (label, "column")), now);
    }
  return G_SOURCE_CONTINUE;
}

static void
settings_changed_cb (FdCheckinView *self)
{
  self->wait_threshold = self->settings ? g_settings_get_uint (self->settings, "wait-threshold") : 15;
  self->late_window = self->settings ? g_settings_get_uint (self->settings, "late-window") : 10;
  g_clear_pointer (&self->station, g_free);
  self->station = fd_view_station_code ();
  if (self->store != NULL)
    tick_cb (self);
}

/* Actions */

static void
checkin_action_cb (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  FdCheckinView *self = FD_CHECKIN_VIEW (widget);
  FdVisitItem *visit = selected_visit (self);

  if (visit != NULL)
    fd_checkin_view_open_checkin (self, fd_visit_item_get_id (visit));
}

static void
room_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FdCheckinView *self = FD_CHECKIN_VIEW (widget);
  FdVisitItem *visit = selected_visit (self);
  g_autofree char *body = NULL;

  if (visit == NULL)
    return;
  /* Translators: a patient's name */
  body = g_strdup_printf (_("Which room is %s going to?"),
                          fd_appointment_item_get_patient_display (fd_visit_item_get_appointment (visit)));
  ask (self, fd_visit_item_get_id (visit), FALSE, _("Room the Patient"), body, _("Room"),
       fd_visit_item_get_room (visit), _("_Room"));
}

static void
checkout_action_cb (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  FdCheckinView *self = FD_CHECKIN_VIEW (widget);
  FdVisitItem *visit = selected_visit (self);

  if (visit != NULL)
    change_visit (self, fd_visit_item_get_id (visit), FD_FLOW_CHECKED_OUT, NULL);
}

static void
noshow_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FdCheckinView *self = FD_CHECKIN_VIEW (widget);
  FdVisitItem *visit = selected_visit (self);

  if (visit != NULL)
    change_visit (self, fd_visit_item_get_id (visit), FD_FLOW_NO_SHOW, NULL);
}

static void
undo_action_cb (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  FdCheckinView *self = FD_CHECKIN_VIEW (widget);
  FdVisitItem *visit = selected_visit (self);

  if (visit != NULL)
    ask_undo (self, fd_visit_item_get_id (visit));
}

static void
walkin_checked_in_cb (FdWalkinDialog *dialog,
                      const char     *appointment_id,
                      const char     *patient_display,
                      FdCheckinView  *self)
{
  dialog_checked_in_cb (NULL, appointment_id, patient_display, self);
}

static void
walkin_action_cb (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  FdCheckinView *self = FD_CHECKIN_VIEW (widget);
  FdWalkinDialog *dialog;

  if (self->store == NULL)
    return;
  dialog = fd_walkin_dialog_new (self->store);
  g_signal_connect_object (dialog, "checked-in", G_CALLBACK (walkin_checked_in_cb), self, 0);
  present_dialog (self, GTK_WINDOW (dialog));
}

/* Overrides */

static void
fd_checkin_view_map (GtkWidget *widget)
{
  FdCheckinView *self = (FdCheckinView *)widget;

  GTK_WIDGET_CLASS (fd_checkin_view_parent_class)->map (widget);
  follow_today (self);
  fd_board_model_set_live (self->board, TRUE);
  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (20, tick_cb, self);
}

static void
fd_checkin_view_unmap (GtkWidget *widget)
{
  FdCheckinView *self = (FdCheckinView *)widget;

  fd_board_model_set_live (self->board, FALSE);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (fd_checkin_view_parent_class)->unmap (widget);
}

static void
set_store (FdCheckinView *self,
           FdStore       *store)
{
  if (!fd_view_set_store (&self->store, &self->changed_id, store, G_CALLBACK (store_changed_cb), self))
    return;

  /* Hidden at start-up: the board reads the day when it is first shown */
  fd_board_model_set_live (self->board, gtk_widget_get_mapped (GTK_WIDGET (self)));
  fd_board_model_set_store (self->board, store);
  follow_today (self);
  reload (self);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static void
set_date (FdCheckinView *self,
          GDateTime     *date)
{
  if (!fd_view_set_date (&self->date, date))
    return;
  reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATE]);
}

static void
fd_checkin_view_dispose (GObject *object)
{
  FdCheckinView *self = (FdCheckinView *)object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->dialog != NULL)
    gtk_window_destroy (self->dialog);
  fd_view_clear_store (&self->store, &self->changed_id);
  if (self->board != NULL)
    fd_board_model_set_store (self->board, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_CHECKIN_VIEW);
  fd_view_unparent_children (GTK_WIDGET (self));
  g_clear_object (&self->selection);
  g_clear_object (&self->board);
  g_clear_object (&self->settings);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (fd_checkin_view_parent_class)->dispose (object);
}

static void
fd_checkin_view_finalize (GObject *object)
{
  FdCheckinView *self = (FdCheckinView *)object;

  g_clear_pointer (&self->date, g_date_time_unref);
  g_ptr_array_unref (self->provider_ids);
  g_ptr_array_unref (self->location_names);
  g_hash_table_unref (self->timed_labels);
  g_hash_table_unref (self->my_checkins);
  g_free (self->station);

  G_OBJECT_CLASS (fd_checkin_view_parent_class)->finalize (object);
}

static void
fd_checkin_view_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  FdCheckinView *self = FD_CHECKIN_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_DATE:
      g_value_set_boxed (value, self->date);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_checkin_view_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  FdCheckinView *self = FD_CHECKIN_VIEW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      set_store (self, g_value_get_object (value));
      break;
    case PROP_DATE:
      set_date (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_checkin_view_class_init (FdCheckinViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_checkin_view_dispose;
  object_class->finalize = fd_checkin_view_finalize;
  object_class->get_property = fd_checkin_view_get_property;
  object_class->set_property = fd_checkin_view_set_property;
  widget_class->map = fd_checkin_view_map;
  widget_class->unmap = fd_checkin_view_unmap;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_DATE] =
    g_param_spec_boxed ("date", NULL, NULL, G_TYPE_DATE_TIME,
                        G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PATIENT_ACTIVATED] =
    g_signal_new ("patient-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * FdCheckinView::collect-payment:
   * @patient_id: who pays
   * @cents: the amount due
   * @currency: its currency
   *
   * The desk asked to take the co-pay now.
   */
  signals[COLLECT_PAYMENT] =
    g_signal_new ("collect-payment", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 3, G_TYPE_STRING, G_TYPE_INT64, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/checkin/fd-checkin-view.ui");
  gtk_widget_class_bind_template_child (widget_class, FdCheckinView, title_label);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinView, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinView, stack);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinView, column_view);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinView, provider_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinView, location_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FdCheckinView, order_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);

  gtk_widget_class_install_action (widget_class, "board.checkin", NULL, checkin_action_cb);
  gtk_widget_class_install_action (widget_class, "board.room", NULL, room_action_cb);
  gtk_widget_class_install_action (widget_class, "board.checkout", NULL, checkout_action_cb);
  gtk_widget_class_install_action (widget_class, "board.noshow", NULL, noshow_action_cb);
  gtk_widget_class_install_action (widget_class, "board.undo", NULL, undo_action_cb);
  gtk_widget_class_install_action (widget_class, "board.walkin", NULL, walkin_action_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_r, GDK_CONTROL_MASK, "board.room", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_O, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "board.checkout", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_N, GDK_CONTROL_MASK | GDK_SHIFT_MASK, "board.noshow", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "board.undo", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "board.walkin", NULL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
fd_checkin_view_init (FdCheckinView *self)
{
  g_autoptr(GtkStringList) orders = NULL;
  const char *order_names[] = { _("By time"), _("By status"), NULL };

  self->provider_ids = g_ptr_array_new_with_free_func (g_free);
  self->location_names = g_ptr_array_new_with_free_func (g_free);
  self->timed_labels = g_hash_table_new (NULL, NULL);
  self->my_checkins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->board = fd_board_model_new ();
  fd_board_model_set_live (self->board, FALSE);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = fd_view_settings ();
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
  settings_changed_cb (self);

  self->filter = gtk_custom_filter_new (filter_visit, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (fd_board_model_get_model (self->board)),
                                              GTK_FILTER (self->filter));
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (self->filtered), NULL);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->sorted));
  gtk_single_selection_set_can_unselect (self->selection, FALSE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  for (Column c = 0; c < N_COLUMNS; c++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      GtkColumnViewColumn *column;

      g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (c));
      g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), self);
      g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), self);
      g_signal_connect (factory, "unbind", G_CALLBACK (cell_unbind_cb), self);
      column = gtk_column_view_column_new (_(column_titles[c]), factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_column_set_expand (column, c == COLUMN_PATIENT || c == COLUMN_OUTSTANDING);
      gtk_column_view_append_column (self->column_view, column);
      g_object_unref (column);
    }

  orders = gtk_string_list_new (order_names);
  gtk_drop_down_set_model (self->order_dropdown, G_LIST_MODEL (orders));
  fill_filters (self);

  g_signal_connect_object (self->board, "reloaded", G_CALLBACK (board_reloaded_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (fd_board_model_get_model (self->board), "items-changed",
                           G_CALLBACK (rows_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "selection-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "items-changed",
                           G_CALLBACK (selection_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->provider_dropdown, "notify::selected",
                           G_CALLBACK (filter_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->location_dropdown, "notify::selected",
                           G_CALLBACK (filter_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->order_dropdown, "notify::selected",
                           G_CALLBACK (order_changed_cb), self, G_CONNECT_SWAPPED);

  self->date = g_date_time_new_now_local ();
  reload (self);
  update_summary (self);
  update_actions (self);
}

/**
 * fd_checkin_view_get_model:
 * @self: the view
 *
 * Returns: (transfer none): all of the day's rows, of #FdVisitItem
 */
GListModel *
fd_checkin_view_get_model (FdCheckinView *self)
{
  g_return_val_if_fail (FD_IS_CHECKIN_VIEW (self), NULL);
  return fd_board_model_get_model (self->board);
}

/**
 * fd_checkin_view_get_shown:
 * @self: the view
 *
 * Returns: (transfer none): the rows on screen, filtered and ordered
 */
GListModel *
fd_checkin_view_get_shown (FdCheckinView *self)
{
  g_return_val_if_fail (FD_IS_CHECKIN_VIEW (self), NULL);
  return G_LIST_MODEL (self->selection);
}

/**
 * fd_checkin_view_open_checkin:
 * @self: the view
 * @appointment_id: the appointment of the patient who arrived
 *
 * Opens the check-in panel.
 */
void
fd_checkin_view_open_checkin (FdCheckinView *self,
                              const char    *appointment_id)
{
  FdCheckinDialog *dialog;

  g_return_if_fail (FD_IS_CHECKIN_VIEW (self));

  if (self->store == NULL)
    return;
  dialog = fd_checkin_dialog_new (self->store, self->client, appointment_id);
  g_signal_connect_object (dialog, "checked-in", G_CALLBACK (dialog_checked_in_cb), self, 0);
  g_signal_connect_object (dialog, "collect", G_CALLBACK (dialog_collect_cb), self, 0);
  present_dialog (self, GTK_WINDOW (dialog));
}

/**
 * fd_checkin_view_get_dialog:
 * @self: the view
 *
 * Returns: (transfer none) (nullable): the check-in or walk-in panel open now
 */
GtkWindow *
fd_checkin_view_get_dialog (FdCheckinView *self)
{
  g_return_val_if_fail (FD_IS_CHECKIN_VIEW (self), NULL);
  return self->dialog;
}

/**
 * fd_checkin_view_set_client:
 * @self: the view
 * @client: (nullable): the clinic server's client, for eligibility checks
 */
void
fd_checkin_view_set_client (FdCheckinView *self,
                            FdFhirClient  *client)
{
  g_return_if_fail (FD_IS_CHECKIN_VIEW (self));
  g_set_object (&self->client, client);
}
