/* SPDX-License-Identifier: MIT */
/*
 * traits: the bridge between the identity schema and the UI nodes.
 */
#include <string.h>

#include "arena.h"
#include "config.h"
#include "flow.h"
#include "http.h"
#include "schema.h"
#include "text.h"
#include "traits.h"

void
traits_nodes(struct req *r, struct flow *f, const char *group,
    const json_t *traits)
{
	const struct schema	*s = r->cfg->schema;
	size_t			 i;

	for (i = 0; i < s->nprops; i++) {
		const struct schema_prop *p = &s->props[i];
		const char *v = json_string_value(json_object_get(traits,
		    p->name));
		json_t	   *label;

		label = p->title != NULL ?
		    text_msg(MSG_LABEL_GENERATED, p->title) :
		    p->email ? text_msg(MSG_LABEL_EMAIL) :
		    text_msg(MSG_LABEL_GENERATED, p->name);
		flow_node_input(f, group, p->field, p->email ? "email" : "text",
		    v ? v : "", p->required, p->email ? "email" : NULL, label);
	}
}

enum rc
traits_from_form_or_msg(struct req *r, struct flow *f, json_t **out)
{
	const struct schema	*s = r->cfg->schema;
	struct schema_error	 errs[16];
	json_t			*traits = json_object();
	size_t			 i, n;
	const char		*v;

	for (i = 0; i < s->nprops; i++)
		if ((v = kv_get(&r->form, s->props[i].field)) != NULL)
			json_object_set_new(traits, s->props[i].name,
			    json_string(v));

	/* Unknown "traits.*" fields are an error the schema reports. */
	for (i = 0; i < r->form.n; i++)
		if (strncmp(r->form.v[i].key, "traits.", 7) == 0 &&
		    json_object_get(traits, r->form.v[i].key + 7) == NULL)
			json_object_set_new(traits, r->form.v[i].key + 7,
			    json_string(r->form.v[i].val));
	n = schema_check(s, traits, errs, 16);
	for (i = 0; i < s->nprops; i++) {
		v = json_string_value(json_object_get(traits,
		    s->props[i].name));
		flow_node_value(f, s->props[i].field, v ? v : "");
	}
	for (i = 0; i < n && i < 16; i++) {
		json_t *m;

		switch (errs[i].msg) {
		case MSG_VALIDATION_MISSING:
			m = text_msg(MSG_VALIDATION_MISSING, errs[i].s);
			break;
		case MSG_VALIDATION_MIN_LENGTH:
		case MSG_VALIDATION_MAX_LENGTH:
			m = text_msg(errs[i].msg, errs[i].a, errs[i].b);
			break;
		case MSG_VALIDATION_GENERIC:
			m = text_msg(MSG_VALIDATION_GENERIC, errs[i].s);
			break;
		default:
			m = text_msg(errs[i].msg);
			break;
		}
		flow_node_msg(f, errs[i].field, m);
	}
	if (n > 0)
		return RC_INVALID;
	*out = traits;
	return RC_OK;
}
