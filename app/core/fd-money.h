/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* An amount of money: whole cents (minor units) and an ISO 4217 code. */
typedef struct
{
  gint64 cents;
  char   currency[4];
} FdMoney;

/* How a locale writes amounts. */
typedef struct
{
  char     decimal[8];
  char     group[8];
  gboolean symbol_first;
  gboolean space_after_symbol;
} FdMoneyStyle;

#define FD_MONEY_MAX_CENTS G_GINT64_CONSTANT (99999999999)  /* a billion, less a cent */

void        fd_money_init               (FdMoney            *money,
                                         gint64              cents,
                                         const char         *currency);
void        fd_money_style_init         (FdMoneyStyle       *style,
                                         const char         *decimal,
                                         const char         *group,
                                         gboolean            symbol_first);
void        fd_money_style_from_locale  (FdMoneyStyle       *style);
gboolean    fd_money_parse              (const char         *text,
                                         const char         *currency,
                                         const FdMoneyStyle *style,
                                         FdMoney            *out,
                                         GError            **error);
char       *fd_money_format             (const FdMoney      *money,
                                         const FdMoneyStyle *style);
gboolean    fd_money_add                (const FdMoney      *a,
                                         const FdMoney      *b,
                                         FdMoney            *out,
                                         GError            **error);
const char *fd_currency_symbol          (const char         *currency);
char       *fd_money_to_decimal         (const FdMoney      *money);
gboolean    fd_money_from_decimal       (double              value,
                                         const char         *currency,
                                         FdMoney            *out);

G_END_DECLS
