/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdPatientPanel"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "fd-dates.h"
#include "fd-fhir.h"
#include "fd-patient-panel.h"
#include "fd-store-ledger.h"
#include "fd-view-util.h"

#define UPCOMING_LIMIT 5

/* The same patient panel wherever a patient is opened: demographics,
 * coverage, balance and upcoming appointments, from the local store. */
struct _FdPatientPanel
{
  GtkWidget   parent_instance;

  FdStore    *store;
  char       *patient_id;
  gulong      changed_id;

  GtkLabel   *name_label;
  GtkLabel   *identity_label;
  GtkButton  *close_button;
  GtkListBox *contact_list;
  GtkListBox *coverage_list;
  GtkListBox *balance_list;
  GtkListBox *appointment_list;
};

G_DEFINE_FINAL_TYPE (FdPatientPanel, fd_patient_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_PATIENT_ID,
  N_PROPS
};

enum {
  CLOSE_REQUESTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Helpers */

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))))
    gtk_list_box_remove (list, child);
}

static GtkWidget *
add_row (GtkListBox *list,
         const char *title,
         const char *value)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (value != NULL && *value != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_list_box_append (list, row);
  return row;
}

static void
add_missing_row (GtkListBox *list,
                 const char *text)
{
  GtkWidget *row = add_row (list, text, NULL);

  gtk_widget_add_css_class (row, "dim-label");
}

static const char *
gender_label (const char *gender)
{
  if (g_strcmp0 (gender, "female") == 0)
    return _("Female");
  if (g_strcmp0 (gender, "male") == 0)
    return _("Male");
  if (g_strcmp0 (gender, "other") == 0)
    return _("Other");
  return NULL;
}

static const char *
language_label (const char *code)
{
  static const struct { const char *code; const char *name; } languages[] = {
    { "en", N_("English") }, { "es", N_("Spanish") }, { "vi", N_("Vietnamese") },
    { "zh", N_("Chinese") }, { "ko", N_("Korean") }, { "ar", N_("Arabic") },
    { "ru", N_("Russian") }, { "fr", N_("French") }, { "pt", N_("Portuguese") },
    { "tl", N_("Tagalog") }, { "ht", N_("Haitian Creole") }, { "pl", N_("Polish") },
  };

  if (code == NULL)
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_ascii_strncasecmp (code, languages[i].code, 2) == 0 &&
        (code[2] == '\0' || code[2] == '-'))
      return _(languages[i].name);
  return code;
}

static void
fill_contact (FdPatientPanel *self,
              JsonObject     *patient)
{
  JsonArray *telecom = fd_fhir_get_array (patient, "telecom");
  JsonObject *contact = fd_fhir_array_object (fd_fhir_get_array (patient, "contact"), 0);
  g_autofree char *address = fd_fhir_address_display (fd_fhir_patient_address (patient));
  gboolean has_phone = FALSE;

  clear_list (self->contact_list);

  for (guint i = 0; telecom && i < json_array_get_length (telecom); i++)
    {
      JsonObject *cp = fd_fhir_array_object (telecom, i);
      const char *system = fd_fhir_get_string (cp, "system");
      const char *use = fd_fhir_get_string (cp, "use");
      const char *value = fd_fhir_get_string (cp, "value");

      if (value == NULL || g_strcmp0 (use, "old") == 0)
        continue;
      if (g_strcmp0 (system, "phone") == 0)
        {
          const char *title = g_strcmp0 (use, "mobile") == 0 ? _("Mobile phone")
                            : g_strcmp0 (use, "work") == 0 ? _("Work phone")
                            : _("Home phone");
          add_row (self->contact_list, title, value);
          has_phone = TRUE;
        }
      else if (g_strcmp0 (system, "email") == 0)
        add_row (self->contact_list, _("Email"), value);
    }
  if (!has_phone)
    add_missing_row (self->contact_list, _("No phone on file"));

  if (*address)
    add_row (self->contact_list, _("Address"), address);
  else
    add_missing_row (self->contact_list, _("No address on file"));

  if (fd_fhir_patient_language (patient) != NULL)
    add_row (self->contact_list, _("Preferred language"),
             language_label (fd_fhir_patient_language (patient)));

  if (contact != NULL)
    {
      g_autofree char *name = fd_fhir_human_name_display (fd_fhir_get_object (contact, "name"), FALSE);
      JsonObject *cp = fd_fhir_array_object (fd_fhir_get_array (contact, "telecom"), 0);
      const char *phone = fd_fhir_get_string (cp, "value");
      g_autofree char *text = phone ? g_strdup_printf ("%s · %s", name, phone) : g_strdup (name);

      add_row (self->contact_list, _("Emergency contact"), text);
    }
}

static void
fill_coverage (FdPatientPanel *self)
{
  g_autoptr(GPtrArray) coverages = NULL;
  g_autoptr(GError) error = NULL;
  FdMoneyStyle style;

  clear_list (self->coverage_list);
  fd_money_style_from_locale (&style);

  coverages = fd_store_list_coverages (self->store, self->patient_id, &error);
  if (coverages == NULL)
    g_warning ("Could not read coverages: %s", error->message);

  for (guint i = 0; coverages && i < coverages->len; i++)
    {
      JsonObject *coverage = g_ptr_array_index (coverages, i);
      JsonObject *payor = fd_fhir_array_object (fd_fhir_get_array (coverage, "payor"), 0);
      JsonArray *classes = fd_fhir_get_array (coverage, "class");
      const char *status = fd_fhir_get_string (coverage, "status");
      const char *member = fd_fhir_get_string (coverage, "subscriberId");
      g_autoptr(GString) detail = g_string_new (NULL);
      FdMoney copay;
      GtkWidget *row;

      if (member)
        g_string_append_printf (detail, _("Member ID %s"), member);
      for (guint c = 0; classes && c < json_array_get_length (classes); c++)
        {
          JsonObject *klass = fd_fhir_array_object (classes, c);

          if (fd_fhir_coding_has (fd_fhir_get_object (klass, "type"), NULL, "group") &&
              fd_fhir_get_string (klass, "value"))
            g_string_append_printf (detail, "%s%s", detail->len ? " · " : "",
                                    fd_fhir_get_string (klass, "value"));
        }
      if (fd_fhir_coverage_copay (coverage, &copay))
        {
          g_autofree char *amount = fd_money_format (&copay, &style);

          g_string_append_printf (detail, "%s", detail->len ? "\n" : "");
          g_string_append_printf (detail, _("Co-pay %s"), amount);
        }
      if (g_strcmp0 (status, "active") != 0)
        g_string_append_printf (detail, "%s%s", detail->len ? "\n" : "", _("Not active"));

      row = add_row (self->coverage_list,
                     fd_fhir_get_string (payor, "display") ?: _("Insurance"),
                     detail->str);
      if (g_strcmp0 (status, "active") != 0)
        gtk_widget_add_css_class (row, "dim-label");
    }

  if (coverages == NULL || coverages->len == 0)
    add_missing_row (self->coverage_list, _("No insurance on file"));
}

static void
fill_balance (FdPatientPanel *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *amount = NULL;
  FdMoneyStyle style;
  FdMoney balance;
  GtkWidget *row, *label;

  clear_list (self->balance_list);
  fd_money_style_from_locale (&style);

  if (!fd_ledger_get_balance (self->store, self->patient_id, &balance, &error))
    {
      g_warning ("Could not read the balance: %s", error->message);
      return;
    }

  amount = fd_money_format (&balance, &style);
  row = add_row (self->balance_list, balance.cents > 0 ? _("Open balance") : _("No balance due"), NULL);
  label = gtk_label_new (amount);
  gtk_widget_add_css_class (label, "numeric");
  if (balance.cents > 0)
    gtk_widget_add_css_class (label, "heading");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
}

static void
fill_appointments (FdPatientPanel *self)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) midnight = g_date_time_new_local (g_date_time_get_year (now),
                                                         g_date_time_get_month (now),
                                                         g_date_time_get_day_of_month (now), 0, 0, 0);

  clear_list (self->appointment_list);

  items = fd_store_list_patient_appointments (self->store, self->patient_id,
                                              g_date_time_to_unix (midnight), UPCOMING_LIMIT, &error);
  if (items == NULL)
    {
      g_warning ("Could not list appointments: %s", error->message);
      return;
    }

  for (guint i = 0; i < items->len; i++)
    {
      FdAppointmentItem *item = g_ptr_array_index (items, i);
      g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (fd_appointment_item_get_start (item));
      g_autofree char *time = fd_time_format_short (start);
      g_autofree char *title = NULL;
      g_autofree char *detail = NULL;
      GDate day;
      g_autofree char *date = NULL;

      fd_date_from_date_time (&day, start);
      date = fd_date_format_long (&day);
      title = g_strdup_printf ("%s, %s", date, time);
      detail = g_strdup_printf ("%s · %s", fd_appointment_item_get_practitioner_display (item),
                                fd_appointment_status_label (fd_appointment_item_get_status (item)));
      add_row (self->appointment_list, title, detail);
    }

  if (items->len == 0)
    add_missing_row (self->appointment_list, _("No upcoming appointments"));
}

static void
reload (FdPatientPanel *self)
{
  g_autoptr(JsonObject) patient = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) identity = g_string_new (NULL);
  g_autofree char *name = NULL;
  const char *gender, *mrn;
  GDate birth, today;

  if (self->store == NULL || self->patient_id == NULL)
    return;

  patient = fd_store_get (self->store, "Patient", self->patient_id, &error);
  if (patient == NULL)
    {
      gtk_label_set_label (self->name_label, _("Patient not found"));
      gtk_label_set_label (self->identity_label, error->message);
      clear_list (self->contact_list);
      clear_list (self->coverage_list);
      clear_list (self->balance_list);
      clear_list (self->appointment_list);
      return;
    }

  name = fd_fhir_patient_display (patient);
  gtk_label_set_label (self->name_label, name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);

  fd_date_set_today (&today, NULL);
  if (fd_date_parse_iso (fd_fhir_get_string (patient, "birthDate"), &birth))
    {
      g_autofree char *date = fd_date_format_short (&birth, fd_date_order_from_locale ());

      /* Translators: birth date and age in years, "Born 03/07/1961 (65)" */
      g_string_append_printf (identity, _("Born %s (%u)"), date, fd_date_age_years (&birth, &today));
    }
  gender = gender_label (fd_fhir_get_string (patient, "gender"));
  if (gender)
    g_string_append_printf (identity, "%s%s", identity->len ? " · " : "", gender);
  mrn = fd_fhir_patient_mrn (patient);
  if (mrn)
    {
      g_string_append_printf (identity, "%s", identity->len ? " · " : "");
      g_string_append_printf (identity, _("MRN %s"), mrn);
    }
  gtk_label_set_label (self->identity_label, identity->str);

  fill_contact (self, patient);
  fill_coverage (self);
  fill_balance (self);
  fill_appointments (self);
}

/* Callbacks */

static void
close_clicked_cb (FdPatientPanel *self)
{
  g_signal_emit (self, signals[CLOSE_REQUESTED], 0);
}

static void
store_changed_cb (FdStore            *store,
                  const char         *type,
                  const char * const *ids,
                  FdPatientPanel     *self)
{
  if (self->patient_id == NULL)
    return;
  if (g_str_equal (type, "Patient") || g_str_equal (type, "Coverage") ||
      g_str_equal (type, "Account") || g_str_equal (type, "Appointment") ||
      g_str_equal (type, "PaymentReconciliation") || g_str_equal (type, "Invoice"))
    reload (self);
}

/* Object */

static gboolean
fd_patient_panel_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (GTK_WIDGET (FD_PATIENT_PANEL (widget)->close_button));
}

static void
fd_patient_panel_dispose (GObject *object)
{
  FdPatientPanel *self = (FdPatientPanel *)object;

  fd_view_clear_store (&self->store, &self->changed_id);
  g_clear_pointer (&self->patient_id, g_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), FD_TYPE_PATIENT_PANEL);
  fd_view_unparent_children (GTK_WIDGET (self));

  G_OBJECT_CLASS (fd_patient_panel_parent_class)->dispose (object);
}

static void
fd_patient_panel_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FdPatientPanel *self = FD_PATIENT_PANEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_PATIENT_ID:
      g_value_set_string (value, self->patient_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_patient_panel_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FdPatientPanel *self = FD_PATIENT_PANEL (object);
  FdStore *store;

  switch (prop_id)
    {
    case PROP_STORE:
      store = g_value_get_object (value);
      if (!fd_view_set_store (&self->store, &self->changed_id, store, G_CALLBACK (store_changed_cb), self))
        break;
      reload (self);
      g_object_notify_by_pspec (object, pspec);
      break;
    case PROP_PATIENT_ID:
      fd_patient_panel_set_patient_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_patient_panel_class_init (FdPatientPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fd_patient_panel_dispose;
  object_class->get_property = fd_patient_panel_get_property;
  object_class->set_property = fd_patient_panel_set_property;
  widget_class->grab_focus = fd_patient_panel_grab_focus;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PATIENT_ID] =
    g_param_spec_string ("patient-id", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CLOSE_REQUESTED] =
    g_signal_new ("close-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/frontdesk/Frontdesk/ui/common/fd-patient-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, FdPatientPanel, name_label);
  gtk_widget_class_bind_template_child (widget_class, FdPatientPanel, identity_label);
  gtk_widget_class_bind_template_child (widget_class, FdPatientPanel, close_button);
  gtk_widget_class_bind_template_child (widget_class, FdPatientPanel, contact_list);
  gtk_widget_class_bind_template_child (widget_class, FdPatientPanel, coverage_list);
  gtk_widget_class_bind_template_child (widget_class, FdPatientPanel, balance_list);
  gtk_widget_class_bind_template_child (widget_class, FdPatientPanel, appointment_list);
  gtk_widget_class_bind_template_callback (widget_class, close_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "patientpanel");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
fd_patient_panel_init (FdPatientPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * fd_patient_panel_set_patient_id:
 * @self: the panel
 * @patient_id: (nullable): the Patient to show
 */
void
fd_patient_panel_set_patient_id (FdPatientPanel *self,
                                 const char     *patient_id)
{
  g_return_if_fail (FD_IS_PATIENT_PANEL (self));

  if (g_strcmp0 (self->patient_id, patient_id) != 0)
    {
      g_free (self->patient_id);
      self->patient_id = g_strdup (patient_id);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PATIENT_ID]);
    }
  reload (self);
}

const char *
fd_patient_panel_get_patient_id (FdPatientPanel *self)
{
  g_return_val_if_fail (FD_IS_PATIENT_PANEL (self), NULL);
  return self->patient_id;
}
