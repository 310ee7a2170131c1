/* SPDX-License-Identifier: MIT */
/*
 * traits: identity traits as form nodes and back -- the schema's
 * properties become "traits.<name>" inputs, and submitted "traits.*"
 * fields become a validated traits object with messages on the nodes.
 */
#ifndef TRAITS_H
#define TRAITS_H

#include <jansson.h>

#include "rc.h"

struct flow;
struct req;

/* Add one input per schema property in group, with values from traits. */
void	 traits_nodes(struct req *r, struct flow *f, const char *group,
	    const json_t *traits);

/*
 * Build traits from the submitted fields, normalise and validate them
 * against the schema, and put the values back on the nodes.  RC_OK with
 * *out, or RC_INVALID with messages attached.
 */
enum rc	 traits_from_form_or_msg(struct req *r, struct flow *f, json_t **out);

#endif /* TRAITS_H */
