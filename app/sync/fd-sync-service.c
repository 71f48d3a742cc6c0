/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdSyncService"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "fd-core.h"
#include "fd-server-capabilities.h"
#include "fd-patient-search.h"
#include "fd-sync-engine.h"
#include "fd-sync-service.h"

#define BACKOFF_MAX_SECONDS 60
#define PUSH_DELAY_MS 300
#define SERVER_SEARCH_LIMIT 20

/* Keeps the station in step with the server: runs the sync engine in a
 * worker thread on a schedule, as soon as the desk changes something, and
 * when the network comes back; backs off while the server is unreachable.
 * The main thread only ever sees state changes. */
struct _FdSyncService
{
  GObject          parent_instance;

  FdStore         *store;
  FdFhirClient    *client;
  GCancellable    *cancellable;
  GNetworkMonitor *monitor;
  gulong           network_id;
  gulong           store_changed_id;
  guint            timeout_id;
  guint            interval;
  guint            failures;
  guint            days_back;
  guint            days_ahead;

  GDateTime       *offline_since;
  GDateTime       *last_sync;
  char            *last_error;
  guint            first_sync_count;
  guint            progress;  /* records downloaded so far by the running sync */

  guint            started : 1;
  guint            running : 1;
  guint            capabilities_read : 1;
  guint            again : 1;
  guint            online : 1;
};

G_DEFINE_FINAL_TYPE (FdSyncService, fd_sync_service, G_TYPE_OBJECT)

enum {
  STATE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void schedule (FdSyncService *self, guint milliseconds);
static gboolean is_outage (const GError *error);

/* Worker */

typedef struct
{
  FdFhirClient  *client;
  FdStore       *main_store;
  FdSyncService *service;
  GMainContext  *main_context;
  gboolean       read_capabilities;
  gboolean       capabilities_read;
  char          *text;        /* a server search's text, or the patient to fetch */
  guint          days_back;
  guint          days_ahead;
  FdSyncStats   pushed;
  FdSyncStats   pulled;
} Job;

static void
job_free (Job *job)
{
  g_clear_object (&job->client);
  g_clear_object (&job->main_store);
  g_clear_object (&job->service);
  g_clear_pointer (&job->main_context, g_main_context_unref);
  g_free (job->text);
  g_free (job);
}

typedef struct
{
  FdStore *store;
  char    *type;
  GStrv    ids;
} Forward;

static gboolean
forward_changes_cb (gpointer data)
{
  Forward *forward = data;

  fd_store_emit_changed (forward->store, forward->type, (const char * const *) forward->ids);
  g_object_unref (forward->store);
  g_free (forward->type);
  g_strfreev (forward->ids);
  g_free (forward);
  return G_SOURCE_REMOVE;
}

/* The worker's connection commits; the views listen on the main one */
static void
worker_store_changed_cb (FdStore            *worker_store,
                         const char         *type,
                         const char * const *ids,
                         Job                *job)
{
  Forward *forward = g_new0 (Forward, 1);

  forward->store = g_object_ref (job->main_store);
  forward->type = g_strdup (type);
  forward->ids = g_strdupv ((char **) ids);
  fd_run_in_context (job->main_context, forward_changes_cb, forward);
}

typedef struct
{
  FdSyncService *service;
  guint          pulled;
} Progress;

static gboolean
progress_cb (gpointer data)
{
  Progress *progress = data;

  if (progress->service->running)
    {
      progress->service->progress = progress->pulled;
      g_signal_emit (progress->service, signals[STATE_CHANGED], 0);
    }
  g_object_unref (progress->service);
  g_free (progress);
  return G_SOURCE_REMOVE;
}

/* After each page: how far the download is, for the header */
static void
pull_progress_cb (const char *type,
                  guint       pulled,
                  gpointer    user_data)
{
  Job *job = user_data;
  Progress *progress = g_new0 (Progress, 1);

  progress->service = g_object_ref (job->service);
  progress->pulled = pulled;
  fd_run_in_context (job->main_context, progress_cb, progress);
}

static void
sync_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  g_autoptr(FdSyncEngine) engine = NULL;

  store = fd_store_open_sibling (job->main_store, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_signal_connect (store, "changed", G_CALLBACK (worker_store_changed_cb), job);

  /* On connect: what the server offers, recorded, so that the station
   * adapts and can say how. A server that shows it only to signed-in
   * clients, or not at all, is taken to offer everything; an outage shows
   * in the push and pull that follow, with their own words. */
  if (job->read_capabilities)
    {
      g_autoptr(JsonObject) statement = NULL;
      g_autoptr(GError) read_error = NULL;

      statement = fd_fhir_client_read_capabilities (job->client, cancellable, &read_error);
      if (g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&read_error));
          return;
        }
      if (statement == NULL)
        g_debug ("The server's capabilities cannot be read (error %d)", read_error->code);
      else if (!fd_server_capabilities_save (store, statement, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      else
        job->capabilities_read = TRUE;
    }

  engine = fd_sync_engine_new (store, job->client);
  fd_sync_engine_set_use_batch (engine, !(fd_server_capabilities_load (store, NULL) & FD_SERVER_LACKS_BATCH));
  fd_sync_engine_set_window (engine, job->days_back, job->days_ahead);
  if (!fd_sync_engine_push (engine, &job->pushed, cancellable, &error) && is_outage (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* A push stuck on one record must not stop the desk from hearing about the others */
  {
    g_autoptr(GError) pull_error = NULL;

    if (!fd_sync_engine_pull (engine, pull_progress_cb, job, &job->pulled, cancellable, &pull_error))
      {
        g_task_return_error (task, g_steal_pointer (&pull_error));
        return;
      }
  }

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
search_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  GPtrArray *found = fd_patient_search_server (job->client, job->text, SERVER_SEARCH_LIMIT,
                                               cancellable, &error);

  if (found == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, found, (GDestroyNotify) g_ptr_array_unref);
}

static void
fetch_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FdStore) store = NULL;
  g_autoptr(FdSyncEngine) engine = NULL;

  store = fd_store_open_sibling (job->main_store, &error);
  if (store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_signal_connect (store, "changed", G_CALLBACK (worker_store_changed_cb), job);

  engine = fd_sync_engine_new (store, job->client);
  if (!fd_sync_engine_fetch_patient (engine, job->text, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/* Main thread */

static Job *
new_job (FdSyncService *self,
         const char    *text)
{
  Job *job = g_new0 (Job, 1);

  job->client = fd_fhir_client_copy (self->client);
  job->main_store = g_object_ref (self->store);
  job->service = g_object_ref (self);
  job->main_context = g_main_context_ref_thread_default ();
  job->text = g_strdup (text);
  job->days_back = self->days_back;
  job->days_ahead = self->days_ahead;
  return job;
}

static gboolean
is_outage (const GError *error)
{
  return g_error_matches (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NETWORK) ||
         g_error_matches (error, FD_SYNC_ERROR, FD_SYNC_ERROR_SERVER) ||
         g_error_matches (error, FD_SYNC_ERROR, FD_SYNC_ERROR_NOT_FOUND);
}

static void
sync_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(FdSyncService) self = user_data;
  g_autoptr(GError) error = NULL;
  Job *job = g_task_get_task_data (G_TASK (result));

  self->running = FALSE;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (self->last_sync == NULL)
        self->first_sync_count = job->pulled.pulled;
      g_clear_pointer (&self->last_sync, g_date_time_unref);
      self->last_sync = g_date_time_new_now_local ();
      g_clear_pointer (&self->offline_since, g_date_time_unref);
      g_clear_pointer (&self->last_error, g_free);
      self->online = TRUE;
      self->failures = 0;
      self->capabilities_read |= job->capabilities_read;
      g_debug ("Synced: %u pushed, %u pulled", job->pushed.pushed, job->pulled.pulled);
      schedule (self, self->again ? 0 : self->interval * 1000);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  else
    {
      guint delay;

      g_free (self->last_error);
      self->last_error = g_strdup (error->message);
      if (is_outage (error))
        {
          self->online = FALSE;
          if (self->offline_since == NULL)
            self->offline_since = g_date_time_new_now_local ();
        }
      self->failures = MIN (self->failures + 1, 16);

      /* 2, 4, 8... seconds up to a minute, each somewhere between half and all of it */
      delay = MIN (BACKOFF_MAX_SECONDS, 1u << self->failures) * 1000;
      delay = delay / 2 + (guint) g_random_int_range (0, (gint32) (delay / 2) + 1);
      g_debug ("Sync failed (%s); next try in %u ms", g_quark_to_string (error->domain), delay);
      schedule (self, delay);
    }

  self->again = FALSE;
  g_signal_emit (self, signals[STATE_CHANGED], 0);
}

static void
run (FdSyncService *self)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  if (self->running)
    {
      self->again = TRUE;
      return;
    }

  job = new_job (self, NULL);
  job->read_capabilities = !self->capabilities_read;

  self->running = TRUE;
  self->progress = 0;
  g_signal_emit (self, signals[STATE_CHANGED], 0);

  task = g_task_new (self, self->cancellable, sync_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, run);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, sync_thread);
}

static gboolean
timeout_cb (gpointer user_data)
{
  FdSyncService *self = user_data;

  self->timeout_id = 0;
  run (self);
  return G_SOURCE_REMOVE;
}

static void
schedule (FdSyncService *self,
          guint          milliseconds)
{
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  self->timeout_id = g_timeout_add (milliseconds, timeout_cb, self);
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    FdSyncService   *self)
{
  /* The network is back: do not wait for the backoff */
  if (available && !self->online)
    schedule (self, 0);
}

static void
store_changed_cb (FdStore            *store,
                  const char         *type,
                  const char * const *ids,
                  FdSyncService      *self)
{
  gint64 pending = 0, parked = 0;

  /* A change made here goes up at once (after a breath, to batch a burst),
   * or right after the sync that is running now */
  if (!self->started || !fd_store_count_outbox (store, &pending, &parked, NULL) || pending == 0)
    return;
  if (self->running)
    self->again = TRUE;
  else
    schedule (self, PUSH_DELAY_MS);
}

static void
fd_sync_service_dispose (GObject *object)
{
  FdSyncService *self = (FdSyncService *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  if (self->monitor != NULL)
    g_clear_signal_handler (&self->network_id, self->monitor);
  if (self->store != NULL)
    g_clear_signal_handler (&self->store_changed_id, self->store);

  G_OBJECT_CLASS (fd_sync_service_parent_class)->dispose (object);
}

static void
fd_sync_service_finalize (GObject *object)
{
  FdSyncService *self = (FdSyncService *)object;

  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->offline_since, g_date_time_unref);
  g_clear_pointer (&self->last_sync, g_date_time_unref);
  g_clear_pointer (&self->last_error, g_free);

  G_OBJECT_CLASS (fd_sync_service_parent_class)->finalize (object);
}

static void
fd_sync_service_class_init (FdSyncServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = fd_sync_service_dispose;
  object_class->finalize = fd_sync_service_finalize;

  /**
   * FdSyncService::state-changed:
   *
   * Emitted when a sync starts or ends, on the main thread.
   */
  signals[STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fd_sync_service_init (FdSyncService *self)
{
  self->cancellable = g_cancellable_new ();
  self->interval = 15;
  self->days_back = 7;
  self->days_ahead = 30;
}

/**
 * fd_sync_service_new:
 * @store: the station's store (its main-thread connection)
 * @client: the server's client
 *
 * Returns: (transfer full): a service, idle until fd_sync_service_start()
 */
FdSyncService *
fd_sync_service_new (FdStore      *store,
                     FdFhirClient *client)
{
  FdSyncService *self = g_object_new (FD_TYPE_SYNC_SERVICE, NULL);

  self->store = g_object_ref (store);
  self->client = g_object_ref (client);
  self->store_changed_id = g_signal_connect (store, "changed", G_CALLBACK (store_changed_cb), self);
  return self;
}

/**
 * fd_sync_service_set_interval:
 * @self: the service
 * @seconds: time between pulls while online
 */
void
fd_sync_service_set_interval (FdSyncService *self,
                              guint          seconds)
{
  g_return_if_fail (FD_IS_SYNC_SERVICE (self));
  self->interval = MAX (seconds, 1);
}

/**
 * fd_sync_service_set_window:
 * @self: the service
 * @days_back: days before today whose appointments the station keeps
 * @days_ahead: days after today whose appointments the station keeps
 *
 * The appointment window of the working set (see fd_sync_engine_pull());
 * it applies from the next sync on.
 */
void
fd_sync_service_set_window (FdSyncService *self,
                            guint          days_back,
                            guint          days_ahead)
{
  g_return_if_fail (FD_IS_SYNC_SERVICE (self));
  self->days_back = days_back;
  self->days_ahead = days_ahead;
}

/**
 * fd_sync_service_start:
 * @self: the service
 *
 * Syncs now, then on the schedule.
 */
void
fd_sync_service_start (FdSyncService *self)
{
  g_return_if_fail (FD_IS_SYNC_SERVICE (self));

  if (self->started)
    return;
  self->started = TRUE;
  self->monitor = g_network_monitor_get_default ();
  self->network_id = g_signal_connect (self->monitor, "network-changed",
                                       G_CALLBACK (network_changed_cb), self);
  schedule (self, 0);
}

/**
 * fd_sync_service_sync_now:
 * @self: the service
 *
 * Syncs at once, whatever the schedule or the backoff says.
 */
void
fd_sync_service_sync_now (FdSyncService *self)
{
  g_return_if_fail (FD_IS_SYNC_SERVICE (self));
  schedule (self, 0);
}

const char *
fd_sync_service_get_server_url (FdSyncService *self)
{
  g_return_val_if_fail (FD_IS_SYNC_SERVICE (self), NULL);
  return fd_fhir_client_get_base_url (self->client);
}

/**
 * fd_sync_service_get_online:
 * @self: the service
 *
 * Returns: whether the last sync reached the server
 */
gboolean
fd_sync_service_get_online (FdSyncService *self)
{
  g_return_val_if_fail (FD_IS_SYNC_SERVICE (self), FALSE);
  return self->online;
}

gboolean
fd_sync_service_get_busy (FdSyncService *self)
{
  g_return_val_if_fail (FD_IS_SYNC_SERVICE (self), FALSE);
  return self->running;
}

/**
 * fd_sync_service_get_offline_since:
 * @self: the service
 *
 * Returns: (transfer none) (nullable): when the server stopped answering
 */
GDateTime *
fd_sync_service_get_offline_since (FdSyncService *self)
{
  g_return_val_if_fail (FD_IS_SYNC_SERVICE (self), NULL);
  return self->offline_since;
}

/**
 * fd_sync_service_get_last_sync:
 * @self: the service
 *
 * Returns: (transfer none) (nullable): when the last sync succeeded
 */
GDateTime *
fd_sync_service_get_last_sync (FdSyncService *self)
{
  g_return_val_if_fail (FD_IS_SYNC_SERVICE (self), NULL);
  return self->last_sync;
}

/**
 * fd_sync_service_get_last_error:
 * @self: the service
 *
 * Returns: (transfer none) (nullable): why the last sync failed, in words
 */
const char *
fd_sync_service_get_last_error (FdSyncService *self)
{
  g_return_val_if_fail (FD_IS_SYNC_SERVICE (self), NULL);
  return self->last_error;
}

/**
 * fd_sync_service_get_first_sync_count:
 * @self: the service
 *
 * Returns: how many records the first successful sync brought
 */
guint
fd_sync_service_get_first_sync_count (FdSyncService *self)
{
  g_return_val_if_fail (FD_IS_SYNC_SERVICE (self), 0);
  return self->first_sync_count;
}

/**
 * fd_sync_service_get_progress:
 * @self: the service
 *
 * Returns: records downloaded so far by the sync that is running
 */
guint
fd_sync_service_get_progress (FdSyncService *self)
{
  g_return_val_if_fail (FD_IS_SYNC_SERVICE (self), 0);
  return self->progress;
}

/**
 * fd_sync_service_get_client:
 * @self: the service
 *
 * Returns: (transfer none): the client for the clinic's server, for work
 *   outside sync such as eligibility checks (copy it for another thread)
 */
FdFhirClient *
fd_sync_service_get_client (FdSyncService *self)
{
  g_return_val_if_fail (FD_IS_SYNC_SERVICE (self), NULL);
  return self->client;
}

/**
 * fd_sync_service_get_server_limits:
 * @self: the service
 *
 * What the server lacked, as the station found when it last connected, and
 * what the station does about it.
 *
 * Returns: (transfer full): one sentence per limit; empty when the server
 *   offers everything the station uses, or has not been reached yet
 */
GStrv
fd_sync_service_get_server_limits (FdSyncService *self)
{
  g_return_val_if_fail (FD_IS_SYNC_SERVICE (self), NULL);
  return fd_server_capabilities_describe (fd_server_capabilities_load (self->store, NULL));
}

/**
 * fd_sync_service_search_patients_async:
 * @self: the service
 * @text: what the desk typed in the patient search
 * @cancellable: (nullable): cancels the search, as when the text changes
 * @callback: called on this thread with the answer
 * @user_data: closure for @callback
 *
 * Searches the clinic's server for patients (see fd_patient_search_server())
 * in a worker thread, for patients the station has not cached.
 */
void
fd_sync_service_search_patients_async (FdSyncService       *self,
                                       const char          *text,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FD_IS_SYNC_SERVICE (self));
  g_return_if_fail (text != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_sync_service_search_patients_async);
  g_task_set_task_data (task, new_job (self, text), (GDestroyNotify) job_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, search_thread);
}

/**
 * fd_sync_service_search_patients_finish:
 * @self: the service
 * @result: the result passed to the callback
 * @error: return location for a #FD_SYNC_ERROR, or %G_IO_ERROR_CANCELLED
 *
 * Returns: (transfer full) (element-type FdPatientItem): the patients the
 *   server found, or %NULL with @error when it could not be asked
 */
GPtrArray *
fd_sync_service_search_patients_finish (FdSyncService  *self,
                                        GAsyncResult   *result,
                                        GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * fd_sync_service_fetch_patient_async:
 * @self: the service
 * @patient_id: a patient found on the server
 * @cancellable: (nullable): a cancellable
 * @callback: called on this thread when the patient is cached
 * @user_data: closure for @callback
 *
 * Caches the patient with coverages and accounts in a worker thread and
 * keeps the patient in the working set (fd_sync_engine_fetch_patient());
 * the views hear of it through the store's "changed" signal.
 */
void
fd_sync_service_fetch_patient_async (FdSyncService       *self,
                                     const char          *patient_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (FD_IS_SYNC_SERVICE (self));
  g_return_if_fail (patient_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fd_sync_service_fetch_patient_async);
  g_task_set_task_data (task, new_job (self, patient_id), (GDestroyNotify) job_free);
  g_task_run_in_thread (task, fetch_thread);
}

/**
 * fd_sync_service_fetch_patient_finish:
 * @self: the service
 * @result: the result passed to the callback
 * @error: return location for a #FD_SYNC_ERROR or #FD_STORE_ERROR
 *
 * Returns: %TRUE if the patient is now cached
 */
gboolean
fd_sync_service_fetch_patient_finish (FdSyncService  *self,
                                      GAsyncResult   *result,
                                      GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
