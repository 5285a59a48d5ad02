/* SPDX-License-Identifier: MIT */
/* Line editing for the composer (readline-like keys on a UTF-8 line). */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "proto/limits.h"
#include "base/util.h"
#include "front/history.h"
#include "ui/pane-composer.h"
#include "ui/width.h"

struct composer {
	char		*buf;		/* LIMIT_COMMAND_LINE + 1 */
	size_t		 len, cur;
	char		*yank;
	struct history	*hist;
	size_t		 hist_pos;
	bool		 browsing;	/* hist_pos means something */
	char		*draft;		/* the line before browsing */
	bool		 secret;
	size_t		 hidden_from;	/* draw nothing past this byte */
	size_t		 scroll;	/* first shown column */
};

struct composer *
composer_new(struct history *hist)
{
	struct composer *c = xcalloc(1, sizeof(*c));

	c->buf = xcalloc(1, LIMIT_COMMAND_LINE + 1);
	c->hist = hist;
	c->hist_pos = hist != NULL ? history_count(hist) : 0;
	c->hidden_from = (size_t)-1;
	return c;
}

void
composer_free(struct composer *c)
{
	if (c == NULL)
		return;
	explicit_bzero(c->buf, LIMIT_COMMAND_LINE + 1);
	free(c->buf);
	if (c->yank != NULL) {
		explicit_bzero(c->yank, strlen(c->yank));
		free(c->yank);
	}
	free(c->draft);
	free(c);
}

void
composer_set_history(struct composer *c, struct history *h)
{
	c->hist = h;
	c->hist_pos = h != NULL ? history_count(h) : 0;
	free(c->draft);
	c->draft = NULL;
}

const char *
composer_text(const struct composer *c, size_t *len_r)
{
	if (len_r != NULL)
		*len_r = c->len;
	return c->buf;
}

void
composer_set(struct composer *c, const char *s, size_t len)
{
	if (len > LIMIT_COMMAND_LINE)
		len = LIMIT_COMMAND_LINE;
	explicit_bzero(c->buf, c->len);
	memcpy(c->buf, s, len);
	c->buf[len] = '\0';
	c->len = c->cur = len;
}

void
composer_clear(struct composer *c)
{
	explicit_bzero(c->buf, c->len);
	c->len = c->cur = 0;
	c->scroll = 0;
	c->browsing = false;
	c->hist_pos = c->hist != NULL ? history_count(c->hist) : 0;
	free(c->draft);
	c->draft = NULL;
}

void
composer_set_secret(struct composer *c, bool on)
{
	if (c->secret != on)
		composer_clear(c);
	c->secret = on;
}

void
composer_set_hidden_from(struct composer *c, size_t keep)
{
	c->hidden_from = keep;
}

bool
composer_secret(const struct composer *c)
{
	return c->secret;
}

bool
composer_insert(struct composer *c, unsigned cp)
{
	char enc[4];
	size_t n;

	if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) ||
	    cp > 0x10ffff)
		return false;
	n = width_encode(cp, enc);
	if (c->len + n > LIMIT_COMMAND_LINE)
		return false;
	memmove(c->buf + c->cur + n, c->buf + c->cur, c->len - c->cur + 1);
	memcpy(c->buf + c->cur, enc, n);
	c->len += n;
	c->cur += n;
	return true;
}

/* Remove [from, to) and keep it for Ctrl-Y (unless secret). */
static void
cut(struct composer *c, size_t from, size_t to, bool keep)
{
	if (to <= from)
		return;
	if (keep && !c->secret) {
		free(c->yank);
		c->yank = xstrndup(c->buf + from, to - from);
	}
	memmove(c->buf + from, c->buf + to, c->len - to + 1);
	c->len -= to - from;
	explicit_bzero(c->buf + c->len, to - from);
	c->cur = from;
}

static bool
is_space(char ch)
{
	return ch == ' ' || ch == '\t';
}

static bool
is_word(char ch)
{
	return !is_space(ch) && ch != ':' && ch != '<' && ch != '>' &&
	    ch != '@' && ch != '/' && ch != '.' && ch != '=';
}

static size_t
word_left(const struct composer *c, size_t p)
{
	while (p > 0 && !is_word(c->buf[p - 1]))
		p--;
	while (p > 0 && is_word(c->buf[p - 1]))
		p--;
	return p;
}

static size_t
word_right(const struct composer *c, size_t p)
{
	while (p < c->len && !is_word(c->buf[p]))
		p++;
	while (p < c->len && is_word(c->buf[p]))
		p++;
	return p;
}

/* Past a character and the combining marks that follow it. */
static size_t
next_cell(const struct composer *c, size_t p)
{
	uint32_t cp;
	bool bad;

	p = width_next(c->buf, c->len, p);
	while (p < c->len) {
		size_t l = width_decode(c->buf + p, c->len - p, &cp, &bad);

		if (bad || width_cp(cp, false) != 0)
			break;
		p += l;
	}
	return p;
}

static size_t
prev_cell(const struct composer *c, size_t p)
{
	uint32_t cp;
	bool bad;

	while (p > 0) {
		p = width_prev(c->buf, p);
		width_decode(c->buf + p, c->len - p, &cp, &bad);
		if (bad || width_cp(cp, false) != 0)
			break;
	}
	return p;
}

static bool
history_move(struct composer *c, int dir)
{
	size_t n;
	const char *h;

	if (c->hist == NULL || c->secret)
		return false;
	n = history_count(c->hist);
	if (!c->browsing || c->hist_pos > n)
		c->hist_pos = n;
	if (dir < 0 && c->hist_pos == 0)
		return false;
	if (dir > 0 && c->hist_pos >= n)
		return false;
	if (c->hist_pos == n) {
		free(c->draft);
		c->draft = xstrndup(c->buf, c->len);
	}
	c->hist_pos = dir < 0 ? c->hist_pos - 1 : c->hist_pos + 1;
	c->browsing = true;
	h = c->hist_pos == n ? (c->draft ? c->draft : "") :
	    history_get(c->hist, c->hist_pos);
	composer_set(c, h, strlen(h));
	return true;
}

bool
composer_action(struct composer *c, enum action a)
{
	size_t old_cur = c->cur, old_len = c->len;

	switch (a) {
	case ACT_ED_LEFT:
		c->cur = prev_cell(c, c->cur);
		break;
	case ACT_ED_RIGHT:
		if (c->cur < c->len)
			c->cur = next_cell(c, c->cur);
		break;
	case ACT_ED_HOME:
		c->cur = 0;
		break;
	case ACT_ED_END:
		c->cur = c->len;
		break;
	case ACT_ED_WORD_LEFT:
		c->cur = word_left(c, c->cur);
		break;
	case ACT_ED_WORD_RIGHT:
		c->cur = word_right(c, c->cur);
		break;
	case ACT_ED_BACKSPACE:
		cut(c, prev_cell(c, c->cur), c->cur, false);
		break;
	case ACT_ED_DELETE:
		if (c->cur < c->len)
			cut(c, c->cur, next_cell(c, c->cur), false);
		break;
	case ACT_ED_KILL_END:
		cut(c, c->cur, c->len, true);
		break;
	case ACT_ED_KILL_START:
		cut(c, 0, c->cur, true);
		break;
	case ACT_ED_KILL_WORD: {
		/* readline's unix-word-rubout: back to white space. */
		size_t p = c->cur;

		while (p > 0 && is_space(c->buf[p - 1]))
			p--;
		while (p > 0 && !is_space(c->buf[p - 1]))
			p--;
		cut(c, p, c->cur, true);
		break;
	}
	case ACT_ED_YANK:
		if (c->yank != NULL) {
			size_t n = strlen(c->yank);

			if (c->len + n <= LIMIT_COMMAND_LINE) {
				memmove(c->buf + c->cur + n, c->buf + c->cur,
				    c->len - c->cur + 1);
				memcpy(c->buf + c->cur, c->yank, n);
				c->len += n;
				c->cur += n;
			}
		}
		break;
	case ACT_ED_HIST_PREV:
		return history_move(c, -1);
	case ACT_ED_HIST_NEXT:
		return history_move(c, 1);
	case ACT_ED_CANCEL:
		composer_clear(c);
		break;
	default:
		return false;
	}
	return c->cur != old_cur || c->len != old_len || a == ACT_ED_YANK;
}

static char
up(char ch)
{
	return ch >= 'a' && ch <= 'z' ? (char)(ch - 32) : ch;
}

size_t
composer_complete(struct composer *c, const char *const *cands, size_t n,
    char *list, size_t listsz)
{
	size_t start = c->cur, wl, i, k, matches = 0, common = 0, lo = 0;
	const char *first = NULL;
	bool lower;

	if (listsz > 0)
		list[0] = '\0';
	if (c->secret)
		return 0;
	while (start > 0 && !is_space(c->buf[start - 1]))
		start--;
	wl = c->cur - start;
	lower = wl > 0 && c->buf[start] >= 'a' && c->buf[start] <= 'z';
	for (i = 0; i < n; i++) {
		const char *s = cands[i];

		if (strlen(s) < wl)
			continue;
		for (k = 0; k < wl && up(s[k]) == up(c->buf[start + k]); k++)
			;
		if (k < wl)
			continue;
		if (matches == 0) {
			first = s;
			common = strlen(s);
		} else {
			for (k = 0; k < common && up(first[k]) == up(s[k]); k++)
				;
			common = k;
		}
		matches++;
		if (listsz > 0) {
			size_t l = strlen(list);

			if (l + strlen(s) + 2 < listsz)
				snprintf(list + l, listsz - l, "%s%s",
				    l ? " " : "", s);
		}
	}
	if (matches == 0)
		return 0;
	/* Replace the typed word with the common prefix (case from the
	 * candidate, lowered if the user typed lower case). */
	{
		char ins[64];
		size_t il = common < sizeof(ins) - 2 ? common : sizeof(ins) - 2;

		for (k = 0; k < il; k++) {
			ins[k] = first[k];
			if (lower && ins[k] >= 'A' && ins[k] <= 'Z')
				ins[k] = (char)(ins[k] + 32);
		}
		if (matches == 1 && il > 0 && ins[il - 1] != ' ' &&
		    ins[il - 1] != '/' &&
		    (c->cur == c->len || c->buf[c->cur] != ' '))
			ins[il++] = ' ';
		if (c->len - wl + il > LIMIT_COMMAND_LINE)
			return matches;
		lo = start;
		memmove(c->buf + lo + il, c->buf + c->cur,
		    c->len - c->cur + 1);
		memcpy(c->buf + lo, ins, il);
		c->len = c->len - wl + il;
		c->cur = lo + il;
	}
	return matches;
}

int
composer_draw(struct composer *c, WINDOW *w, int y, const char *prompt,
    unsigned long prompt_attr, unsigned long attr)
{
	int cols = getmaxx(w), pc, avail, curcol;
	size_t before, off, used;

	wmove(w, y, 0);
	pc = (int)width_draw(w, prompt, strlen(prompt), (size_t)cols,
	    prompt_attr);
	avail = cols - pc - 1;
	if (avail < 1) {
		wclrtoeol(w);
		return cols - 1;
	}
	if (c->secret) {
		/* Nothing of a secret is drawn, not even its length. */
		width_pad(w, (size_t)(cols - pc), attr);
		return pc;
	}
	if (c->hidden_from != (size_t)-1) {
		/* Show the verb, then a marker in place of the secret; the
		 * cursor sits after it. */
		size_t keep = c->hidden_from < c->len ? c->hidden_from : c->len;
		const char *mk = c->len > keep ? "[typing hidden]" : "";

		used = width_draw(w, c->buf, keep, (size_t)avail, attr);
		used += width_draw(w, mk, strlen(mk), (size_t)avail - used,
		    A_DIM);
		width_pad(w, (size_t)(cols - pc) - used, attr);
		return pc + (int)used < cols ? pc + (int)used : cols - 1;
	}
	before = width_str(c->buf, c->cur);
	if (before < c->scroll)
		c->scroll = before;
	if (before - c->scroll > (size_t)avail)
		c->scroll = before - (size_t)avail;
	off = width_skip(c->buf, c->len, c->scroll);
	used = width_draw(w, c->buf + off, c->len - off, (size_t)avail, attr);
	width_pad(w, (size_t)(cols - pc) - used, attr);
	curcol = pc + (int)(before - c->scroll);
	return curcol < cols ? curcol : cols - 1;
}
