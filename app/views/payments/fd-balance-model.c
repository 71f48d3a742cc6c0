/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdBalanceModel"

#include "config.h"

#include "fd-balance-model.h"
#include "fd-store-ledger.h"

/* Rows read at once, and how many such chunks are kept before the cache is
 * dropped: scrolling through the list never holds more than this. */
#define CHUNK_SIZE 100
#define MAX_CHUNKS 32

struct _FdBalanceModel
{
  GObject     parent_instance;

  FdStore    *store;
  guint       n_items;
  GHashTable *chunks;  /* chunk index -> GPtrArray of FdPatientItem */
};

static void fd_balance_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FdBalanceModel, fd_balance_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, fd_balance_model_list_model_init))

enum {
  PROP_0,
  PROP_STORE,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Helpers */

static guint
count_items (FdBalanceModel *self)
{
  g_autoptr(GError) error = NULL;
  gint64 n;

  if (self->store == NULL)
    return 0;

  n = fd_ledger_count_balances (self->store, &error);
  if (n < 0)
    {
      g_warning ("Could not count the open balances: %s", error->message);
      return 0;
    }
  return (guint) MIN (n, (gint64) G_MAXUINT);
}

static GPtrArray *
load_chunk (FdBalanceModel *self,
            guint           chunk)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows;

  rows = g_hash_table_lookup (self->chunks, GUINT_TO_POINTER (chunk));
  if (rows != NULL)
    return rows;

  rows = fd_ledger_list_balances (self->store, chunk * CHUNK_SIZE, CHUNK_SIZE, &error);
  if (rows == NULL)
    {
      g_warning ("Could not read open balances from row %u: %s", chunk * CHUNK_SIZE, error->message);
      return NULL;
    }

  if (g_hash_table_size (self->chunks) >= MAX_CHUNKS)
    g_hash_table_remove_all (self->chunks);
  g_hash_table_insert (self->chunks, GUINT_TO_POINTER (chunk), rows);

  return rows;
}

/* GListModel */

static GType
fd_balance_model_get_item_type (GListModel *model)
{
  return FD_TYPE_PATIENT_ITEM;
}

static guint
fd_balance_model_get_n_items (GListModel *model)
{
  return FD_BALANCE_MODEL (model)->n_items;
}

static gpointer
fd_balance_model_get_item (GListModel *model,
                           guint       position)
{
  FdBalanceModel *self = FD_BALANCE_MODEL (model);
  GPtrArray *rows;
  guint offset = position % CHUNK_SIZE;

  if (position >= self->n_items || self->store == NULL)
    return NULL;

  rows = load_chunk (self, position / CHUNK_SIZE);
  if (rows != NULL && offset < rows->len)
    return g_object_ref (g_ptr_array_index (rows, offset));

  /* The store changed under us and "changed" is still on its way: a blank
   * row stands in until the reload. */
  return fd_patient_item_new ("", "", NULL, NULL, NULL);
}

static void
fd_balance_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = fd_balance_model_get_item_type;
  iface->get_n_items = fd_balance_model_get_n_items;
  iface->get_item = fd_balance_model_get_item;
}

/* Object */

static void
fd_balance_model_dispose (GObject *object)
{
  FdBalanceModel *self = (FdBalanceModel *)object;

  g_clear_object (&self->store);
  g_hash_table_remove_all (self->chunks);

  G_OBJECT_CLASS (fd_balance_model_parent_class)->dispose (object);
}

static void
fd_balance_model_finalize (GObject *object)
{
  FdBalanceModel *self = (FdBalanceModel *)object;

  g_clear_pointer (&self->chunks, g_hash_table_unref);

  G_OBJECT_CLASS (fd_balance_model_parent_class)->finalize (object);
}

static void
fd_balance_model_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  FdBalanceModel *self = FD_BALANCE_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->n_items);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_balance_model_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  FdBalanceModel *self = FD_BALANCE_MODEL (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      self->n_items = count_items (self);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fd_balance_model_class_init (FdBalanceModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_balance_model_dispose;
  object_class->finalize = fd_balance_model_finalize;
  object_class->get_property = fd_balance_model_get_property;
  object_class->set_property = fd_balance_model_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, FD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fd_balance_model_init (FdBalanceModel *self)
{
  self->chunks = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * fd_balance_model_new:
 * @store: (nullable): the store to read; %NULL for an empty model
 *
 * Returns: (transfer full): a new model
 */
FdBalanceModel *
fd_balance_model_new (FdStore *store)
{
  g_return_val_if_fail (store == NULL || FD_IS_STORE (store), NULL);

  return g_object_new (FD_TYPE_BALANCE_MODEL, "store", store, NULL);
}

/**
 * fd_balance_model_get_store:
 * @self: the model
 *
 * Returns: (transfer none) (nullable): the store read
 */
FdStore *
fd_balance_model_get_store (FdBalanceModel *self)
{
  g_return_val_if_fail (FD_IS_BALANCE_MODEL (self), NULL);
  return self->store;
}

/**
 * fd_balance_model_reload:
 * @self: the model
 *
 * Forgets the rows read so far and counts the balances again; every row is
 * reported changed.
 */
void
fd_balance_model_reload (FdBalanceModel *self)
{
  guint old_n;

  g_return_if_fail (FD_IS_BALANCE_MODEL (self));

  old_n = self->n_items;
  g_hash_table_remove_all (self->chunks);
  self->n_items = count_items (self);

  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n, self->n_items);
  if (old_n != self->n_items)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}
