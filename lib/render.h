/* SPDX-License-Identifier: MIT */
/*
 * render: the C API of the thin C++ bridge to ctemplate (render.cc).
 *
 * A page is described by a "view": one JSON object (jansson).  The bridge
 * turns it into a ctemplate TemplateDictionary by these rules, so the C side
 * never builds markup and every value is escaped by ctemplate's
 * auto-escaping (every template starts with {{%AUTOESCAPE context="HTML"}}):
 *
 *   - Names are upper-cased; '.', '-' and ':' become '_'
 *     ("csrf_token" -> CSRF_TOKEN).
 *   - A string, number or boolean sets a variable.  A true boolean, a
 *     non-empty string and a non-zero number also show the section of the
 *     same name, so {{#REQUIRED}} required{{/REQUIRED}} works.
 *     false is "false", null is "".
 *   - An object adds one section dictionary of that name, filled by the
 *     same rules (sections inherit the variables of their parents).
 *   - An array adds one section dictionary per element; scalar elements
 *     set the variable ITEM.
 *   - A key "tpl:NAME" whose value is a file name adds the include
 *     dictionary NAME for that template file, filled with the enclosing
 *     object's members: {{>NODE}} renders a UI node with its partial.
 *   - The top-level member "global" sets template-global variables, visible
 *     inside includes too.
 */
#ifndef RENDER_H
#define RENDER_H

#include <stddef.h>

#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef void	render_emit_fn(void *ctx, const char *p, size_t n);

/*
 * Point the bridge at a template directory.  With check_all, parse every
 * *.tpl file in it now, so that a long-lived process reports every bad
 * template at start-up; a CGI process, which renders one page and exits,
 * passes 0 and parses only what it renders.  Called once per process.
 * Returns 0, or -1 after logging the file at fault.
 */
int	render_init(const char *templates_dir, int check_all);

/*
 * Expand the template file `name` (relative to the template directory)
 * with the dictionary built from `view`, passing the output to emit.
 * Returns 0, or -1 after logging (unknown template, C++ exception).
 */
int	render_expand(const char *name, const json_t *view, render_emit_fn *emit,
	    void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* RENDER_H */
