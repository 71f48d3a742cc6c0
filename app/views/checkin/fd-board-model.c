/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdBoardModel"

#include "config.h"

#include "fd-board-model.h"
#include "fd-store-checkin.h"

/* The flow board's rows: the day's visits, kept current from the store's
 * change signal one row at a time, whichever desk made the change. */
struct _FdBoardModel
{
  GObject      parent_instance;

  FdStore     *store;
  gulong       changed_id;
  GDate        day;
  GListStore  *rows;     /* of FdVisitItem, by start time */
  GHashTable  *by_id;    /* appointment id -> FdVisitItem (borrowed from rows) */
  gboolean     live;     /* follow the store now, or only mark stale */
  gboolean     stale;
};

G_DEFINE_FINAL_TYPE (FdBoardModel, fd_board_model, G_TYPE_OBJECT)

enum {
  RELOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static int
compare_rows (gconstpointer a,
              gconstpointer b,
              gpointer      user_data)
{
  FdAppointmentItem *x = fd_visit_item_get_appointment ((FdVisitItem *) a);
  FdAppointmentItem *y = fd_visit_item_get_appointment ((FdVisitItem *) b);
  gint64 sx = fd_appointment_item_get_start (x);
  gint64 sy = fd_appointment_item_get_start (y);
  int by_provider;

  if (sx != sy)
    return sx < sy ? -1 : 1;
  by_provider = g_strcmp0 (fd_appointment_item_get_practitioner_display (x),
                           fd_appointment_item_get_practitioner_display (y));
  if (by_provider != 0)
    return by_provider;
  return g_strcmp0 (fd_appointment_item_get_id (x), fd_appointment_item_get_id (y));
}

static gint64
now_unix (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
find_position (FdBoardModel *self,
               FdVisitItem  *item,
               guint        *position)
{
  return g_list_store_find (self->rows, item, position);
}

/* Whether a row belongs on the board's day */
static gboolean
on_day (FdBoardModel *self,
        FdVisitItem  *item)
{
  gint64 start = fd_appointment_item_get_start (fd_visit_item_get_appointment (item));
  g_autoptr(GDateTime) time = NULL;
  GDate day;

  if (self->store == NULL || start == 0)
    return FALSE;
  time = g_date_time_new_from_unix_utc (start);
  {
    g_autoptr(GDateTime) local = g_date_time_to_timezone (time, fd_store_get_time_zone (self->store));

    g_date_clear (&day, 1);
    g_date_set_dmy (&day, g_date_time_get_day_of_month (local), g_date_time_get_month (local),
                    g_date_time_get_year (local));
  }
  return g_date_compare (&day, &self->day) == 0;
}

static void
remove_row (FdBoardModel *self,
            const char   *appointment_id)
{
  FdVisitItem *old = g_hash_table_lookup (self->by_id, appointment_id);
  guint position;

  if (old != NULL && find_position (self, old, &position))
    {
      g_hash_table_remove (self->by_id, appointment_id);
      g_list_store_remove (self->rows, position);
    }
}

static void
put_row (FdBoardModel *self,
         FdVisitItem  *item)
{
  const char *id = fd_visit_item_get_id (item);
  FdVisitItem *old = g_hash_table_lookup (self->by_id, id);
  guint position;

  if (!on_day (self, item))
    {
      remove_row (self, id);
      return;
    }

  if (old != NULL && find_position (self, old, &position))
    {
      /* A row whose time did not change keeps its place: one row is redrawn */
      if (compare_rows (old, item, NULL) == 0 ||
          fd_appointment_item_get_start (fd_visit_item_get_appointment (old)) ==
          fd_appointment_item_get_start (fd_visit_item_get_appointment (item)))
        {
          g_hash_table_replace (self->by_id, (gpointer) id, item);
          g_list_store_splice (self->rows, position, 1, (gpointer *) &item, 1);
          return;
        }
      g_hash_table_remove (self->by_id, id);
      g_list_store_remove (self->rows, position);
    }

  g_hash_table_replace (self->by_id, (gpointer) id, item);
  g_list_store_insert_sorted (self->rows, item, compare_rows, NULL);
}

static void
store_changed_cb (FdStore            *store,
                  const char         *type,
                  const char * const *ids,
                  FdBoardModel       *self)
{
  if (!self->live)
    {
      if (g_str_equal (type, "Encounter") || g_str_equal (type, "Appointment") ||
          g_str_equal (type, "QuestionnaireResponse") || g_str_equal (type, "Consent") ||
          g_str_has_prefix (type, "CoverageEligibility") ||
          g_str_equal (type, "Patient") || g_str_equal (type, "Coverage") ||
          g_str_equal (type, "Practitioner") || g_str_equal (type, "Location"))
        self->stale = TRUE;
      return;
    }
  fd_board_model_apply_change (self, type, ids);
}

static void
fd_board_model_dispose (GObject *object)
{
  FdBoardModel *self = (FdBoardModel *)object;

  g_clear_signal_handler (&self->changed_id, self->store);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (fd_board_model_parent_class)->dispose (object);
}

static void
fd_board_model_finalize (GObject *object)
{
  FdBoardModel *self = (FdBoardModel *)object;

  g_hash_table_unref (self->by_id);
  g_object_unref (self->rows);

  G_OBJECT_CLASS (fd_board_model_parent_class)->finalize (object);
}

static void
fd_board_model_class_init (FdBoardModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_board_model_dispose;
  object_class->finalize = fd_board_model_finalize;

  /**
   * FdBoardModel::reloaded:
   *
   * The whole day was read again.
   */
  signals[RELOADED] =
    g_signal_new ("reloaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fd_board_model_init (FdBoardModel *self)
{
  self->rows = g_list_store_new (FD_TYPE_VISIT_ITEM);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->live = TRUE;
  g_date_clear (&self->day, 1);
}

/**
 * fd_board_model_new:
 *
 * Returns: (transfer full): an empty board
 */
FdBoardModel *
fd_board_model_new (void)
{
  return g_object_new (FD_TYPE_BOARD_MODEL, NULL);
}

/**
 * fd_board_model_set_store:
 * @self: the board
 * @store: (nullable): the station's store
 */
void
fd_board_model_set_store (FdBoardModel *self,
                          FdStore      *store)
{
  g_return_if_fail (FD_IS_BOARD_MODEL (self));

  if (self->store == store)
    return;
  g_clear_signal_handler (&self->changed_id, self->store);
  g_set_object (&self->store, store);
  if (store != NULL)
    self->changed_id = g_signal_connect (store, "changed", G_CALLBACK (store_changed_cb), self);
  fd_board_model_reload (self);
}

/**
 * fd_board_model_set_day:
 * @self: the board
 * @day: the day shown
 */
void
fd_board_model_set_day (FdBoardModel *self,
                        const GDate  *day)
{
  g_return_if_fail (FD_IS_BOARD_MODEL (self));
  g_return_if_fail (g_date_valid (day));

  if (g_date_valid (&self->day) && g_date_compare (&self->day, day) == 0)
    return;
  self->day = *day;
  fd_board_model_reload (self);
}

/**
 * fd_board_model_get_model:
 * @self: the board
 *
 * Returns: (transfer none): the rows, of #FdVisitItem, by start time
 */
GListModel *
fd_board_model_get_model (FdBoardModel *self)
{
  g_return_val_if_fail (FD_IS_BOARD_MODEL (self), NULL);
  return G_LIST_MODEL (self->rows);
}

/**
 * fd_board_model_reload:
 * @self: the board
 *
 * Reads the whole day again.
 */
void
fd_board_model_reload (FdBoardModel *self)
{
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (FD_IS_BOARD_MODEL (self));

  self->stale = FALSE;
  g_hash_table_remove_all (self->by_id);
  if (self->store != NULL && g_date_valid (&self->day))
    {
      visits = fd_store_list_visits (self->store, &self->day, now_unix (), &error);
      if (visits == NULL)
        g_warning ("Could not read the day's visits: %s", error->message);
    }

  for (guint i = 0; visits && i < visits->len; i++)
    {
      FdVisitItem *item = g_ptr_array_index (visits, i);

      g_hash_table_replace (self->by_id, (gpointer) fd_visit_item_get_id (item), item);
    }
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       visits ? visits->pdata : NULL, visits ? visits->len : 0);
  g_signal_emit (self, signals[RELOADED], 0);
}

/**
 * fd_board_model_apply_change:
 * @self: the board
 * @type: the type of the records that changed
 * @ids: (array zero-terminated=1): their ids
 *
 * Brings the rows a store change concerns up to date, and only those.
 */
void
fd_board_model_apply_change (FdBoardModel       *self,
                             const char         *type,
                             const char * const *ids)
{
  g_autoptr(GPtrArray) touched = NULL;
  g_autoptr(GPtrArray) visits = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (FD_IS_BOARD_MODEL (self));

  if (self->store == NULL || !g_date_valid (&self->day))
    return;

  touched = fd_store_visits_touched (self->store, &self->day, type, ids, &error);
  if (touched == NULL)
    {
      if (error != NULL)
        g_warning ("Could not tell what a change concerns: %s", error->message);
      fd_board_model_reload (self);
      return;
    }
  if (touched->len == 0)
    return;

  g_ptr_array_add (touched, NULL);
  visits = fd_store_get_visits (self->store, (const char * const *) touched->pdata, now_unix (), &error);
  if (visits == NULL)
    {
      g_warning ("Could not read changed visits: %s", error->message);
      return;
    }

  for (guint i = 0; i + 1 < touched->len; i++)
    {
      const char *id = g_ptr_array_index (touched, i);
      gboolean found = FALSE;

      for (guint j = 0; j < visits->len && !found; j++)
        found = g_str_equal (fd_visit_item_get_id (g_ptr_array_index (visits, j)), id);
      if (!found)
        remove_row (self, id);
    }
  for (guint j = 0; j < visits->len; j++)
    put_row (self, g_ptr_array_index (visits, j));
}

/**
 * fd_board_model_lookup:
 * @self: the board
 * @appointment_id: an appointment
 *
 * Returns: (transfer none) (nullable): its row
 */
FdVisitItem *
fd_board_model_lookup (FdBoardModel *self,
                       const char   *appointment_id)
{
  g_return_val_if_fail (FD_IS_BOARD_MODEL (self), NULL);
  return g_hash_table_lookup (self->by_id, appointment_id);
}

/**
 * fd_board_model_set_live:
 * @self: the board
 * @live: whether to follow changes as they come (the board is on screen),
 *   or only note that it must reload when shown again
 */
void
fd_board_model_set_live (FdBoardModel *self,
                         gboolean      live)
{
  g_return_if_fail (FD_IS_BOARD_MODEL (self));

  self->live = live;
  if (live && self->stale)
    fd_board_model_reload (self);
}
