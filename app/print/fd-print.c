/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "FdPrint"

#include "config.h"

#include <cairo-pdf.h>
#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <unistd.h>

#include "fd-print-private.h"

/* A document is written to a temporary file in the folder of its final
 * path and renamed over it only once complete, so a reader (or a printer
 * spooler) never sees half a PDF, and a failure leaves nothing behind. */
struct _FdPdfFile
{
  char            *path;
  char            *tmp_path;
  int              fd;
  int              write_errno;
  gboolean         discard;
  cairo_surface_t *surface;
};

G_DEFINE_QUARK (fd-print-error-quark, fd_print_error)

/**
 * fd_paper_get_size:
 * @paper: a paper
 * @width: (out): its width in points
 * @height: (out): its height in points; 0 for a roll, whose documents
 *   measure their own length
 */
void
fd_paper_get_size (FdPaper  paper,
                   double  *width,
                   double  *height)
{
  switch (paper)
    {
    case FD_PAPER_A4:
      *width = FD_PAPER_A4_WIDTH;
      *height = FD_PAPER_A4_HEIGHT;
      break;
    case FD_PAPER_ROLL_80MM:
      *width = FD_PAPER_ROLL_80MM_WIDTH;
      *height = 0;
      break;
    case FD_PAPER_LETTER:
    default:
      *width = FD_PAPER_LETTER_WIDTH;
      *height = FD_PAPER_LETTER_HEIGHT;
      break;
    }
}

static void
set_save_error (GError     **error,
                const char  *path,
                int          saved_errno)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *display = g_filename_display_name (dir);
  const char *reason;

  switch (saved_errno)
    {
    case EACCES:
    case EPERM:
      reason = _("permission denied");
      break;
    case EROFS:
      reason = _("the disk is read-only");
      break;
    case ENOSPC:
#ifdef EDQUOT
    case EDQUOT:
#endif
      reason = _("the disk is full");
      break;
    case ENOENT:
    case ENOTDIR:
      reason = _("the folder does not exist");
      break;
    default:
      reason = g_strerror (saved_errno);
      break;
    }

  /* Translators: 1$ a folder, 2$ why: "permission denied", "the disk is full" */
  g_set_error (error, FD_PRINT_ERROR, FD_PRINT_ERROR_CANNOT_SAVE,
               _("Cannot save the PDF in “%1$s”: %2$s"), display, reason);
}

/**
 * fd_print_check_cancelled:
 * @cancellable: (nullable): a cancellable
 * @error: return location for a #G_IO_ERROR_CANCELLED
 *
 * Returns: %TRUE if @cancellable was cancelled
 */
gboolean
fd_print_check_cancelled (GCancellable  *cancellable,
                          GError       **error)
{
  if (!g_cancellable_is_cancelled (cancellable))
    return FALSE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Printing was cancelled"));
  return TRUE;
}

static cairo_status_t
write_cb (void                *closure,
          const unsigned char *data,
          unsigned int         length)
{
  FdPdfFile *file = closure;

  if (file->discard)
    return CAIRO_STATUS_SUCCESS;
  if (file->write_errno != 0)
    return CAIRO_STATUS_WRITE_ERROR;

  while (length > 0)
    {
      ssize_t n = write (file->fd, data, length);

      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          file->write_errno = errno;
          return CAIRO_STATUS_WRITE_ERROR;
        }
      data += n;
      length -= (unsigned int) n;
    }
  return CAIRO_STATUS_SUCCESS;
}

static FdPdfFile *
open_tmp (const char  *path,
          GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = g_strdup_printf (".%s.XXXXXX", base);
  FdPdfFile *file = g_new0 (FdPdfFile, 1);

  file->path = g_strdup (path);
  file->tmp_path = g_build_filename (dir, name, NULL);
  /* 0600: a statement is protected health information */
  file->fd = g_mkstemp_full (file->tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (file->fd < 0)
    {
      set_save_error (error, path, errno);
      g_free (file->tmp_path);
      g_free (file->path);
      g_free (file);
      return NULL;
    }
  return file;
}

static void
close_tmp (FdPdfFile *file,
           gboolean   remove)
{
  if (file->fd >= 0)
    close (file->fd);
  if (remove)
    g_unlink (file->tmp_path);
  g_free (file->tmp_path);
  g_free (file->path);
  g_free (file);
}

/* Flushes, closes and renames the temporary file; on failure removes it */
static gboolean
commit_tmp (FdPdfFile  *file,
            GError    **error)
{
  int saved_errno = file->write_errno;

  if (saved_errno == 0 && fsync (file->fd) != 0)
    saved_errno = errno;
  if (close (file->fd) != 0 && saved_errno == 0)
    saved_errno = errno;
  file->fd = -1;
  if (saved_errno == 0 && g_rename (file->tmp_path, file->path) != 0)
    saved_errno = errno;

  if (saved_errno != 0)
    {
      set_save_error (error, file->path, saved_errno);
      close_tmp (file, TRUE);
      return FALSE;
    }

  close_tmp (file, FALSE);
  return TRUE;
}

/**
 * fd_pdf_file_open:
 * @path: where the PDF goes once complete
 * @width: the first page's width in points
 * @height: the first page's height in points
 * @error: return location for a #FD_PRINT_ERROR_CANNOT_SAVE
 *
 * Returns: (transfer full) (nullable): the file being written; finish it with
 *   fd_pdf_file_commit() or fd_pdf_file_abort()
 */
FdPdfFile *
fd_pdf_file_open (const char  *path,
                  double       width,
                  double       height,
                  GError     **error)
{
  FdPdfFile *file = open_tmp (path, error);

  if (file == NULL)
    return NULL;
  file->surface = cairo_pdf_surface_create_for_stream (write_cb, file, width, height);
  cairo_pdf_surface_set_metadata (file->surface, CAIRO_PDF_METADATA_CREATOR, "Frontdesk");
  return file;
}

/**
 * fd_pdf_file_begin_page:
 * @file: the file
 * @width: the page's width in points
 * @height: the page's height in points
 *
 * Returns: (transfer full): the page to draw on; hand it to
 *   fd_pdf_file_end_page()
 */
cairo_t *
fd_pdf_file_begin_page (FdPdfFile *file,
                        double     width,
                        double     height)
{
  cairo_pdf_surface_set_size (file->surface, width, height);
  return cairo_create (file->surface);
}

/**
 * fd_pdf_file_end_page:
 * @file: the file
 * @cr: (transfer full): the page from fd_pdf_file_begin_page()
 */
void
fd_pdf_file_end_page (FdPdfFile *file,
                      cairo_t   *cr)
{
  cairo_show_page (cr);
  cairo_destroy (cr);
}

/**
 * fd_pdf_file_commit:
 * @file: (transfer full): the file
 * @error: return location for a #GError
 *
 * Finishes the PDF and puts it at its path, replacing what was there.
 *
 * Returns: %TRUE if the PDF is complete at its path; otherwise nothing of
 *   it is left
 */
gboolean
fd_pdf_file_commit (FdPdfFile  *file,
                    GError    **error)
{
  cairo_status_t status;

  cairo_surface_finish (file->surface);
  status = cairo_surface_status (file->surface);
  g_clear_pointer (&file->surface, cairo_surface_destroy);

  if (status != CAIRO_STATUS_SUCCESS && file->write_errno == 0)
    {
      g_set_error (error, FD_PRINT_ERROR, FD_PRINT_ERROR_DRAWING,
                   _("The document could not be drawn: %s"), cairo_status_to_string (status));
      close_tmp (file, TRUE);
      return FALSE;
    }

  return commit_tmp (file, error);
}

/**
 * fd_pdf_file_abort:
 * @file: (transfer full): the file
 *
 * Stops writing and removes the temporary file.
 */
void
fd_pdf_file_abort (FdPdfFile *file)
{
  file->discard = TRUE;
  g_clear_pointer (&file->surface, cairo_surface_destroy);
  close_tmp (file, TRUE);
}

/**
 * fd_print_write_pdf:
 * @path: where to save the PDF
 * @width: page width in points
 * @height: page height in points
 * @n_pages: how many pages
 * @draw_page: (scope call): draws each page
 * @user_data: data for @draw_page
 * @cancellable: (nullable): checked before each page
 * @error: return location for a #FD_PRINT_ERROR_CANNOT_SAVE, or
 *   #G_IO_ERROR_CANCELLED
 *
 * Writes a document to a PDF atomically: on success @path holds the whole
 * document (mode 0600); on any failure @path is untouched and no temporary
 * file is left.
 *
 * Returns: %TRUE on success
 */
gboolean
fd_print_write_pdf (const char           *path,
                    double                width,
                    double                height,
                    guint                 n_pages,
                    FdPrintDrawPageFunc   draw_page,
                    gpointer              user_data,
                    GCancellable         *cancellable,
                    GError              **error)
{
  FdPdfFile *file;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);

  if (fd_print_check_cancelled (cancellable, error))
    return FALSE;

  file = fd_pdf_file_open (path, width, height, error);
  if (file == NULL)
    return FALSE;

  for (guint i = 0; i < n_pages; i++)
    {
      cairo_t *cr;

      if (fd_print_check_cancelled (cancellable, error))
        {
          fd_pdf_file_abort (file);
          return FALSE;
        }
      cr = fd_pdf_file_begin_page (file, width, height);
      draw_page (cr, i, user_data);
      fd_pdf_file_end_page (file, cr);
    }

  return fd_pdf_file_commit (file, error);
}

/**
 * fd_print_write_png:
 * @path: where to save the PNG
 * @width: page width in points
 * @height: page height in points
 * @dpi: pixels per inch
 * @draw_page: (scope call): draws the page
 * @user_data: data for @draw_page
 * @page_index: which page to draw
 * @error: return location for a #GError
 *
 * Renders one page on white to a PNG, saved atomically as a PDF is.
 *
 * Returns: %TRUE on success
 */
gboolean
fd_print_write_png (const char           *path,
                    double                width,
                    double                height,
                    double                dpi,
                    FdPrintDrawPageFunc   draw_page,
                    gpointer              user_data,
                    guint                 page_index,
                    GError              **error)
{
  cairo_surface_t *surface;
  cairo_status_t status;
  FdPdfFile *file;
  cairo_t *cr;

  g_return_val_if_fail (width > 0 && height > 0 && dpi > 0, FALSE);

  file = open_tmp (path, error);
  if (file == NULL)
    return FALSE;

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
                                        (int) ceil (width * dpi / 72.0),
                                        (int) ceil (height * dpi / 72.0));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_scale (cr, dpi / 72.0, dpi / 72.0);
  draw_page (cr, page_index, user_data);
  cairo_destroy (cr);

  status = cairo_surface_write_to_png_stream (surface, write_cb, file);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS && file->write_errno == 0)
    {
      g_set_error (error, FD_PRINT_ERROR, FD_PRINT_ERROR_DRAWING,
                   _("The document could not be drawn: %s"), cairo_status_to_string (status));
      close_tmp (file, TRUE);
      return FALSE;
    }
  return commit_tmp (file, error);
}
