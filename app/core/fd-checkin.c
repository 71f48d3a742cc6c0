/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdCheckin"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fd-checkin.h"
#include "fd-dates.h"
#include "fd-fhir.h"

/* An Encounter's place in the visit, which the board reads together with
 * the Appointment's status */

/**
 * fd_flow_state_from_status:
 * @appointment_status: the Appointment's status
 * @encounter_status: (nullable): the status of the Encounter check-in opened
 *
 * Returns: where the visit stands on the flow board
 */
FdFlowState
fd_flow_state_from_status (const char *appointment_status,
                           const char *encounter_status)
{
  if (g_strcmp0 (encounter_status, "finished") == 0 ||
      g_strcmp0 (appointment_status, "fulfilled") == 0)
    return FD_FLOW_CHECKED_OUT;
  if (g_strcmp0 (encounter_status, "in-progress") == 0 ||
      g_strcmp0 (encounter_status, "triaged") == 0)
    return FD_FLOW_ROOMED;
  if (g_strcmp0 (appointment_status, "noshow") == 0)
    return FD_FLOW_NO_SHOW;
  if (g_strcmp0 (appointment_status, "cancelled") == 0 ||
      g_strcmp0 (appointment_status, "entered-in-error") == 0)
    return FD_FLOW_CANCELLED;
  if (g_strcmp0 (appointment_status, "arrived") == 0 ||
      g_strcmp0 (appointment_status, "checked-in") == 0 ||
      g_strcmp0 (encounter_status, "arrived") == 0)
    return FD_FLOW_ARRIVED;
  return FD_FLOW_SCHEDULED;
}

/**
 * fd_flow_state_label:
 * @state: a flow state
 *
 * Returns: (transfer none): the state as the board names it, translated
 */
const char *
fd_flow_state_label (FdFlowState state)
{
  switch (state)
    {
    case FD_FLOW_SCHEDULED:
      return C_("flow state", "Scheduled");
    case FD_FLOW_ARRIVED:
      return C_("flow state", "Arrived");
    case FD_FLOW_ROOMED:
      return C_("flow state", "Roomed");
    case FD_FLOW_CHECKED_OUT:
      return C_("flow state", "Checked out");
    case FD_FLOW_NO_SHOW:
      return C_("flow state", "No-show");
    case FD_FLOW_CANCELLED:
      return C_("flow state", "Cancelled");
    case FD_FLOW_N_STATES:
    default:
      break;
    }
  g_return_val_if_reached ("");
}

/**
 * fd_checkin_encounter_id:
 * @appointment_id: the appointment checked in
 *
 * The Encounter that checking in an appointment opens has an id made from
 * the appointment's, so two desks checking in the same visit at once write
 * the same record instead of two.
 *
 * Returns: (transfer full): a FHIR id (at most 64 characters)
 */
char *
fd_checkin_encounter_id (const char *appointment_id)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (appointment_id != NULL, NULL);

  id = g_strconcat ("visit-", appointment_id, NULL);
  if (strlen (id) > 64)
    {
      g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, appointment_id, -1);

      g_free (id);
      id = g_strndup (hash, 40);
      return g_strconcat ("visit-", id, NULL);
    }
  return g_steal_pointer (&id);
}

static JsonObject *
new_extension_string (const char *url,
                      const char *value)
{
  JsonObject *extension = json_object_new ();

  json_object_set_string_member (extension, "url", url);
  json_object_set_string_member (extension, "valueString", value);
  return extension;
}

/* The history entry of the current status: the one whose period is open */
static JsonObject *
open_history_entry (JsonObject *encounter)
{
  JsonArray *history = fd_fhir_get_array (encounter, "statusHistory");
  guint n = history ? json_array_get_length (history) : 0;

  if (n == 0)
    return NULL;
  return fd_fhir_array_object (history, n - 1);
}

static void
add_history_entry (JsonObject *encounter,
                   const char *status,
                   const char *start,
                   const char *who,
                   const char *reason)
{
  JsonArray *history = fd_fhir_get_array (encounter, "statusHistory");
  JsonObject *entry = json_object_new ();
  JsonObject *period = json_object_new ();
  JsonArray *extensions = json_array_new ();

  if (history == NULL)
    {
      history = json_array_new ();
      json_object_set_array_member (encounter, "statusHistory", history);
    }

  if (who != NULL && *who != '\0')
    json_array_add_object_element (extensions, new_extension_string (FD_FHIR_EXT_CHANGED_BY, who));
  if (reason != NULL && *reason != '\0')
    json_array_add_object_element (extensions, new_extension_string (FD_FHIR_EXT_CHANGE_REASON, reason));
  if (json_array_get_length (extensions) > 0)
    json_object_set_array_member (entry, "extension", extensions);
  else
    json_array_unref (extensions);

  json_object_set_string_member (entry, "status", status);
  json_object_set_string_member (period, "start", start);
  json_object_set_object_member (entry, "period", period);
  json_array_add_object_element (history, entry);
}

/**
 * fd_checkin_new_encounter:
 * @appointment: the Appointment being checked in
 * @now: the time of arrival
 * @who: the desk that checks the patient in (station code)
 *
 * Builds the Encounter that check-in opens: status arrived, ambulatory, for
 * the appointment's patient and practitioner, with the arrival as the first
 * entry of its status history.
 *
 * Returns: (transfer full): the Encounter
 */
JsonObject *
fd_checkin_new_encounter (JsonObject *appointment,
                          GDateTime  *now,
                          const char *who)
{
  JsonObject *encounter = json_object_new ();
  JsonObject *class_coding = json_object_new ();
  JsonObject *period = json_object_new ();
  JsonArray *participants = fd_fhir_get_array (appointment, "participant");
  JsonArray *appointments = json_array_new ();
  JsonArray *encounter_participants = json_array_new ();
  const char *appointment_id = fd_fhir_get_string (appointment, "id");
  g_autofree char *id = fd_checkin_encounter_id (appointment_id);
  g_autofree char *start = fd_date_time_format_fhir (now);

  json_object_set_string_member (encounter, "resourceType", "Encounter");
  json_object_set_string_member (encounter, "id", id);
  json_object_set_string_member (encounter, "status", "arrived");
  json_object_set_string_member (class_coding, "system", "http://terminology.hl7.org/CodeSystem/v3-ActCode");
  json_object_set_string_member (class_coding, "code", "AMB");
  json_object_set_string_member (class_coding, "display", "ambulatory");
  json_object_set_object_member (encounter, "class", class_coding);

  for (guint i = 0; participants && i < json_array_get_length (participants); i++)
    {
      JsonObject *actor = fd_fhir_get_object (fd_fhir_array_object (participants, i), "actor");
      const char *display = fd_fhir_get_string (actor, "display");
      const char *patient_id = fd_fhir_reference_id (actor, "Patient");
      const char *practitioner_id = fd_fhir_reference_id (actor, "Practitioner");
      const char *location_id = fd_fhir_reference_id (actor, "Location");

      if (patient_id != NULL)
        json_object_set_object_member (encounter, "subject", fd_fhir_new_reference ("Patient", patient_id, display));
      else if (practitioner_id != NULL)
        {
          JsonObject *participant = json_object_new ();

          json_object_set_object_member (participant, "individual",
                                         fd_fhir_new_reference ("Practitioner", practitioner_id, display));
          json_array_add_object_element (encounter_participants, participant);
        }
      else if (location_id != NULL)
        {
          JsonObject *location = json_object_new ();
          JsonArray *locations = json_array_new ();

          json_object_set_object_member (location, "location", fd_fhir_new_reference ("Location", location_id, display));
          json_object_set_string_member (location, "status", "active");
          json_array_add_object_element (locations, location);
          json_object_set_array_member (encounter, "location", locations);
        }
    }

  if (json_array_get_length (encounter_participants) > 0)
    json_object_set_array_member (encounter, "participant", encounter_participants);
  else
    json_array_unref (encounter_participants);

  json_array_add_object_element (appointments, fd_fhir_new_reference ("Appointment", appointment_id, NULL));
  json_object_set_array_member (encounter, "appointment", appointments);
  json_object_set_string_member (period, "start", start);
  json_object_set_object_member (encounter, "period", period);
  add_history_entry (encounter, "arrived", start, who, NULL);

  return encounter;
}

/**
 * fd_encounter_change_status:
 * @encounter: an Encounter, changed in place
 * @status: the new status
 * @now: when
 * @who: the desk that makes the change
 * @reason: (nullable): why, when it undoes an earlier change
 *
 * Closes the current status in the history and opens @status. A finished
 * or cancelled visit also gets the end of its period.
 */
void
fd_encounter_change_status (JsonObject *encounter,
                            const char *status,
                            GDateTime  *now,
                            const char *who,
                            const char *reason)
{
  g_autofree char *time = fd_date_time_format_fhir (now);
  JsonObject *current = open_history_entry (encounter);
  JsonObject *period;

  if (current != NULL)
    {
      period = fd_fhir_get_object (current, "period");
      if (period != NULL)
        json_object_set_string_member (period, "end", time);
    }

  {
    const char *before = fd_fhir_get_string (encounter, "status");
    gboolean reopened = g_strcmp0 (before, "cancelled") == 0 || g_strcmp0 (before, "entered-in-error") == 0;

    json_object_set_string_member (encounter, "status", status);
    add_history_entry (encounter, status, time, who, reason);

    period = fd_fhir_get_object (encounter, "period");
    if (period == NULL)
      {
        period = json_object_new ();
        json_object_set_object_member (encounter, "period", period);
      }
    /* A check-in made again after it was undone: the visit starts now */
    if (reopened)
      json_object_set_string_member (period, "start", time);
  }
  if (g_str_equal (status, "finished") || g_str_equal (status, "cancelled") ||
      g_str_equal (status, "entered-in-error"))
    json_object_set_string_member (period, "end", time);
  else if (json_object_has_member (period, "end"))
    json_object_remove_member (period, "end");
}

#define ROOM_SYSTEM "http://terminology.hl7.org/CodeSystem/location-physical-type"

/**
 * fd_encounter_set_room:
 * @encounter: an Encounter, changed in place
 * @room: (nullable): the room's name, or %NULL when the patient leaves it
 * @now: when
 *
 * Records the room as a location of the visit (a reference by name: rooms
 * are not kept as Locations), ending the previous room's period.
 */
void
fd_encounter_set_room (JsonObject *encounter,
                       const char *room,
                       GDateTime  *now)
{
  JsonArray *locations = fd_fhir_get_array (encounter, "location");
  g_autofree char *time = fd_date_time_format_fhir (now);

  for (guint i = 0; locations && i < json_array_get_length (locations); i++)
    {
      JsonObject *location = fd_fhir_array_object (locations, i);
      JsonObject *physical = fd_fhir_get_object (location, "physicalType");

      if (fd_fhir_coding_has (physical, ROOM_SYSTEM, "ro") &&
          g_strcmp0 (fd_fhir_get_string (location, "status"), "active") == 0)
        {
          JsonObject *period = fd_fhir_get_object (location, "period");

          json_object_set_string_member (location, "status", "completed");
          if (period == NULL)
            {
              period = json_object_new ();
              json_object_set_object_member (location, "period", period);
            }
          json_object_set_string_member (period, "end", time);
        }
    }

  if (room != NULL && *room != '\0')
    {
      JsonObject *location = json_object_new ();
      JsonObject *reference = json_object_new ();
      JsonObject *physical = json_object_new ();
      JsonObject *coding = json_object_new ();
      JsonArray *codings = json_array_new ();
      JsonObject *period = json_object_new ();

      if (locations == NULL)
        {
          locations = json_array_new ();
          json_object_set_array_member (encounter, "location", locations);
        }
      json_object_set_string_member (reference, "display", room);
      json_object_set_object_member (location, "location", reference);
      json_object_set_string_member (location, "status", "active");
      json_object_set_string_member (coding, "system", ROOM_SYSTEM);
      json_object_set_string_member (coding, "code", "ro");
      json_object_set_string_member (coding, "display", "Room");
      json_array_add_object_element (codings, coding);
      json_object_set_array_member (physical, "coding", codings);
      json_object_set_object_member (location, "physicalType", physical);
      json_object_set_string_member (period, "start", time);
      json_object_set_object_member (location, "period", period);
      json_array_add_object_element (locations, location);
    }
}

/**
 * fd_encounter_get_room:
 * @encounter: an Encounter
 *
 * Returns: (transfer none) (nullable): the room the patient is in now
 */
const char *
fd_encounter_get_room (JsonObject *encounter)
{
  JsonArray *locations = fd_fhir_get_array (encounter, "location");
  const char *room = NULL;

  for (guint i = 0; locations && i < json_array_get_length (locations); i++)
    {
      JsonObject *location = fd_fhir_array_object (locations, i);

      if (fd_fhir_coding_has (fd_fhir_get_object (location, "physicalType"), ROOM_SYSTEM, "ro") &&
          g_strcmp0 (fd_fhir_get_string (location, "status"), "active") == 0)
        room = fd_fhir_get_string (fd_fhir_get_object (location, "location"), "display");
    }
  return room;
}

static const char *
extension_string (JsonObject *element,
                  const char *url)
{
  JsonArray *extensions = fd_fhir_get_array (element, "extension");

  for (guint i = 0; extensions && i < json_array_get_length (extensions); i++)
    {
      JsonObject *extension = fd_fhir_array_object (extensions, i);

      if (g_strcmp0 (fd_fhir_get_string (extension, "url"), url) == 0)
        return fd_fhir_get_string (extension, "valueString");
    }
  return NULL;
}

/**
 * fd_encounter_last_change:
 * @encounter: an Encounter
 * @who: (out) (optional) (transfer none): the desk that made the last status change
 * @since: (out) (optional) (transfer none): when, as a FHIR instant
 *
 * Returns: whether the Encounter has a status history
 */
gboolean
fd_encounter_last_change (JsonObject  *encounter,
                          const char **who,
                          const char **since)
{
  JsonObject *current = open_history_entry (encounter);

  if (who != NULL)
    *who = current ? extension_string (current, FD_FHIR_EXT_CHANGED_BY) : NULL;
  if (since != NULL)
    *since = current ? fd_fhir_get_string (fd_fhir_get_object (current, "period"), "start") : NULL;
  return current != NULL;
}

/* The history entry of the current check-in: the first arrival after the
 * last time the visit was cancelled (a check-in undone and made again) */
static JsonObject *
checkin_entry (JsonObject *encounter)
{
  JsonArray *history = fd_fhir_get_array (encounter, "statusHistory");
  JsonObject *found = NULL;

  for (guint i = 0; history && i < json_array_get_length (history); i++)
    {
      JsonObject *entry = fd_fhir_array_object (history, i);
      const char *status = fd_fhir_get_string (entry, "status");

      if (g_strcmp0 (status, "cancelled") == 0 || g_strcmp0 (status, "entered-in-error") == 0)
        found = NULL;
      else if (found == NULL && g_strcmp0 (status, "arrived") == 0)
        found = entry;
    }
  return found;
}

/**
 * fd_encounter_arrived_at:
 * @encounter: an Encounter
 *
 * Returns: (transfer none) (nullable): when the patient arrived for this
 *   check-in, as a FHIR instant
 */
const char *
fd_encounter_arrived_at (JsonObject *encounter)
{
  JsonObject *entry = checkin_entry (encounter);

  if (entry != NULL)
    return fd_fhir_get_string (fd_fhir_get_object (entry, "period"), "start");
  return fd_fhir_get_string (fd_fhir_get_object (encounter, "period"), "start");
}

/**
 * fd_encounter_checked_in_by:
 * @encounter: an Encounter
 * @who: (out) (optional) (transfer none): the desk that checked the patient in
 * @since: (out) (optional) (transfer none): when, as a FHIR instant
 *
 * Returns: whether the visit has a check-in in its history
 */
gboolean
fd_encounter_checked_in_by (JsonObject  *encounter,
                            const char **who,
                            const char **since)
{
  JsonObject *entry = checkin_entry (encounter);

  if (who != NULL)
    *who = entry ? extension_string (entry, FD_FHIR_EXT_CHANGED_BY) : NULL;
  if (since != NULL)
    *since = entry ? fd_fhir_get_string (fd_fhir_get_object (entry, "period"), "start") : NULL;
  return entry != NULL;
}

/**
 * fd_encounter_reopen_room:
 * @encounter: an Encounter, changed in place
 *
 * Puts the patient back in the room they left last (a check-out undone).
 *
 * Returns: the room, or %NULL when the visit had none
 */
const char *
fd_encounter_reopen_room (JsonObject *encounter)
{
  JsonArray *locations = fd_fhir_get_array (encounter, "location");
  JsonObject *last = NULL;

  for (guint i = 0; locations && i < json_array_get_length (locations); i++)
    {
      JsonObject *location = fd_fhir_array_object (locations, i);

      if (fd_fhir_coding_has (fd_fhir_get_object (location, "physicalType"), ROOM_SYSTEM, "ro"))
        last = location;
    }
  if (last == NULL)
    return NULL;

  json_object_set_string_member (last, "status", "active");
  if (fd_fhir_get_object (last, "period") != NULL &&
      json_object_has_member (fd_fhir_get_object (last, "period"), "end"))
    json_object_remove_member (fd_fhir_get_object (last, "period"), "end");
  return fd_fhir_get_string (fd_fhir_get_object (last, "location"), "display");
}

/**
 * fd_encounter_previous_status:
 * @encounter: an Encounter
 *
 * Returns: (transfer none) (nullable): the status before the current one
 */
const char *
fd_encounter_previous_status (JsonObject *encounter)
{
  JsonArray *history = fd_fhir_get_array (encounter, "statusHistory");
  guint n = history ? json_array_get_length (history) : 0;

  if (n < 2)
    return NULL;
  return fd_fhir_get_string (fd_fhir_array_object (history, n - 2), "status");
}

/**
 * fd_coverage_new:
 * @input: what the insurance card says
 * @id: the new Coverage's id
 *
 * Returns: (transfer full): an active Coverage for the patient
 */
JsonObject *
fd_coverage_new (const FdCoverageInput *input,
                 const char            *id)
{
  JsonObject *coverage = json_object_new ();
  JsonObject *period = json_object_new ();
  JsonArray *payors = json_array_new ();
  gboolean self = g_strcmp0 (input->relationship, "self") == 0;

  json_object_set_string_member (coverage, "resourceType", "Coverage");
  json_object_set_string_member (coverage, "id", id);
  json_object_set_string_member (coverage, "status", "active");
  json_object_set_string_member (coverage, "subscriberId", input->member_id);
  json_object_set_object_member (coverage, "beneficiary",
                                 fd_fhir_new_reference ("Patient", input->patient_id, input->patient_display));
  if (self)
    json_object_set_object_member (coverage, "subscriber",
                                   fd_fhir_new_reference ("Patient", input->patient_id, input->patient_display));
  else if (input->subscriber != NULL && *input->subscriber != '\0')
    {
      JsonObject *subscriber = json_object_new ();

      json_object_set_string_member (subscriber, "display", input->subscriber);
      json_object_set_object_member (coverage, "subscriber", subscriber);
    }
  json_object_set_object_member (coverage, "relationship",
                                 fd_fhir_new_concept ("http://terminology.hl7.org/CodeSystem/subscriber-relationship",
                                              input->relationship, NULL));
  json_object_set_string_member (period, "start", input->start);
  if (input->end != NULL && *input->end != '\0')
    json_object_set_string_member (period, "end", input->end);
  json_object_set_object_member (coverage, "period", period);
  json_array_add_object_element (payors, fd_fhir_new_reference ("Organization", input->payer_id, input->payer_display));
  json_object_set_array_member (coverage, "payor", payors);

  if (input->group != NULL && *input->group != '\0')
    {
      JsonArray *classes = json_array_new ();
      JsonObject *klass = json_object_new ();

      json_object_set_object_member (klass, "type",
                                     fd_fhir_new_concept ("http://terminology.hl7.org/CodeSystem/coverage-class", "group", "Group"));
      json_object_set_string_member (klass, "value", input->group);
      json_array_add_object_element (classes, klass);
      json_object_set_array_member (coverage, "class", classes);
    }

  if (input->copay_cents >= 0)
    {
      JsonArray *costs = json_array_new ();
      JsonObject *cost = json_object_new ();
      FdMoney copay;

      json_object_set_object_member (cost, "type",
                                     fd_fhir_new_concept ("http://terminology.hl7.org/CodeSystem/coverage-copay-type",
                                                  "copay", "Copay Amount"));
      fd_money_init (&copay, input->copay_cents, input->currency ? input->currency : "USD");
      json_object_set_object_member (cost, "valueMoney", fd_fhir_new_money (&copay));
      json_array_add_object_element (costs, cost);
      json_object_set_array_member (coverage, "costToBeneficiary", costs);
    }

  return coverage;
}
