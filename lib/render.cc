/* SPDX-License-Identifier: MIT */
/*
 * render: the only C++ in Gatehouse, a thin bridge from a JSON view
 * (jansson) to Google ctemplate.  render.h holds the contract; this file
 * keeps C++ behind it: every extern "C" function catches every exception,
 * so none ever unwinds through C frames.
 *
 * ctemplate facts this file relies on (checked against Debian 12's 2.4):
 *   - A section dictionary looks variables AND sections up in its parents,
 *     so a {{#MESSAGES}} inside a form would find the page's messages.
 *   - An include dictionary has no parent: it sees only its own members
 *     and the template-global values and sections.  That is why a
 *     "tpl:NAME" include is filled with the enclosing object's members
 *     explicitly, and why "global" is made template-global.
 *   - SetValue and SetTemplateGlobalValue copy the value into the
 *     dictionary's arena, so the std::string temporaries below may die
 *     before expansion.  We never use the ...WithoutCopy variants.
 *   - In a URL attribute, auto-escaping replaces any URL whose scheme is
 *     not http or https by "#", whatever modifier the template asks for,
 *     so a data: URI can only survive through a modifier registered with
 *     AddXssSafeModifier: see ImgSrc below.
 */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include <ctemplate/template.h>
#include <ctemplate/template_emitter.h>
#include <ctemplate/template_modifiers.h>

extern "C" {
#include "log.h"
}
#include "render.h"

namespace {

/*
 * STRIP_WHITESPACE drops the indentation and the line breaks of the
 * template files, so templates can be indented like code without nested
 * sections and partials piling up blank lines in the output.  The
 * templates put {{BI_NEWLINE}} after block elements to keep the HTML
 * readable line by line.
 */
const ctemplate::Strip	 strip = ctemplate::STRIP_WHITESPACE;

const char		 tpl_prefix[] = "tpl:";
const size_t		 tpl_prefix_len = sizeof(tpl_prefix) - 1;

/*
 * {{SRC:x-img-src}}: the src of a UI image node.  Kratos sends the TOTP QR
 * code as data:image/png;base64,..., which the auto-escaper's URL check
 * would turn into "#".  This modifier passes a data: URI of a raster image
 * type through only when the payload is plain base64, whose alphabet has
 * no character that means anything in HTML or can end the attribute; any
 * other value goes through ctemplate's own URL check and HTML escaping.
 * It is registered with AddXssSafeModifier, which tells the auto-escaper
 * not to add its own escaping on top, so it must never emit raw input
 * beyond what it has validated.  (No SVG: it can carry script.)
 */
class ImgSrc : public ctemplate::TemplateModifier {
public:
	void	Modify(const char *in, size_t inlen,
		    const ctemplate::PerExpandData *data,
		    ctemplate::ExpandEmitter *out,
		    const std::string &arg) const override;
private:
	static bool	is_safe_data_uri(const char *in, size_t inlen);
};

bool
ImgSrc::is_safe_data_uri(const char *in, size_t inlen)
{
	static const char *const	 prefixes[] = {
		"data:image/png;base64,",
		"data:image/gif;base64,",
		"data:image/jpeg;base64,",
		"data:image/webp;base64,",
	};
	size_t				 i, n, plen = 0;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		n = strlen(prefixes[i]);
		if (inlen > n && memcmp(in, prefixes[i], n) == 0) {
			plen = n;
			break;
		}
	}
	if (plen == 0)
		return false;
	/* Base64 body, then at most two '=' of padding and nothing after. */
	for (i = plen; i < inlen; i++) {
		unsigned char	 c = (unsigned char)in[i];

		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '+' || c == '/')
			continue;
		break;
	}
	for (n = 0; i < inlen && in[i] == '=' && n < 2; i++, n++)
		;
	return i == inlen;
}

void
ImgSrc::Modify(const char *in, size_t inlen,
    const ctemplate::PerExpandData *data, ctemplate::ExpandEmitter *out,
    const std::string &arg) const
{
	if (is_safe_data_uri(in, inlen))
		out->Emit(in, inlen);
	else
		ctemplate::validate_url_and_html_escape.Modify(in, inlen, data,
		    out, arg);
}

ImgSrc	 img_src;

/*
 * Dictionary name of a JSON member: upper case, with '.', '-' and ':'
 * turned into '_', as render.h promises.
 */
std::string
dict_name(const char *key)
{
	std::string	 s(key);

	for (size_t i = 0; i < s.size(); i++) {
		char	 c = s[i];

		if (c >= 'a' && c <= 'z')
			s[i] = (char)(c - 'a' + 'A');
		else if (c == '.' || c == '-' || c == ':')
			s[i] = '_';
	}
	return s;
}

/*
 * The text of a scalar, and whether it counts as "true" for showing the
 * section of the same name.  Returns false for an object or an array.
 */
bool
scalar_text(const json_t *v, std::string *text, bool *truthy)
{
	char	 buf[64];

	switch (json_typeof(v)) {
	case JSON_STRING:
		text->assign(json_string_value(v), json_string_length(v));
		*truthy = !text->empty();
		return true;
	case JSON_INTEGER:
		snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
		text->assign(buf);
		*truthy = json_integer_value(v) != 0;
		return true;
	case JSON_REAL:
		/* 15 digits: round-trips what a person would type. */
		snprintf(buf, sizeof(buf), "%.15g", json_real_value(v));
		text->assign(buf);
		*truthy = json_real_value(v) != 0.0;
		return true;
	case JSON_TRUE:
		text->assign("true");
		*truthy = true;
		return true;
	case JSON_FALSE:
		text->assign("false");
		*truthy = false;
		return true;
	case JSON_NULL:
		text->clear();
		*truthy = false;
		return true;
	default:
		return false;
	}
}

/*
 * A template file name from a "tpl:" member.  The C side chooses these, but
 * a name that could leave the template directory is a bug worth stopping.
 */
bool
is_template_name(const char *s)
{
	size_t	 n = strlen(s);

	return n > 4 && strcmp(s + n - 4, ".tpl") == 0 && s[0] != '.' &&
	    strchr(s, '/') == NULL && strchr(s, '\\') == NULL;
}

void	fill_object(ctemplate::TemplateDictionary *, const json_t *, bool,
	    bool);

void
fill_member(ctemplate::TemplateDictionary *d, const std::string &name,
    const json_t *v)
{
	std::string	 text;
	bool		 truthy;
	size_t		 i;

	if (scalar_text(v, &text, &truthy)) {
		d->SetValue(name, text);
		if (truthy)
			d->ShowSection(name);
	} else if (json_is_object(v)) {
		fill_object(d->AddSectionDictionary(name), v, false, true);
	} else if (json_is_array(v)) {
		for (i = 0; i < json_array_size(v); i++) {
			const json_t				*e;
			ctemplate::TemplateDictionary		*s;

			e = json_array_get(v, i);
			s = d->AddSectionDictionary(name);
			if (json_is_object(e))
				fill_object(s, e, false, true);
			else if (json_is_array(e))
				fill_member(s, "ITEM", e);
			else if (scalar_text(e, &text, &truthy))
				s->SetValue("ITEM", text);
		}
	}
}

/*
 * Fill d with the members of obj.  Each "tpl:NAME" member adds an include
 * dictionary that gets the same members again, because include
 * dictionaries do not see their parent's; the "tpl:" members themselves
 * are left out of it (includes false), else an object would include
 * itself for ever.  At the top level (top), "global" is skipped:
 * render_expand has made it template-global already, which reaches every
 * include.
 */
void
fill_object(ctemplate::TemplateDictionary *d, const json_t *obj, bool top,
    bool includes)
{
	const char	*key;
	json_t		*v;
	json_t		*o = const_cast<json_t *>(obj);

	json_object_foreach(o, key, v) {
		if (strncmp(key, tpl_prefix, tpl_prefix_len) == 0)
			continue;
		if (top && strcmp(key, "global") == 0)
			continue;
		fill_member(d, dict_name(key), v);
	}
	if (!includes)
		return;

	json_object_foreach(o, key, v) {
		ctemplate::TemplateDictionary	*inc;
		const char			*file;

		if (strncmp(key, tpl_prefix, tpl_prefix_len) != 0)
			continue;
		file = json_string_value(v);
		if (file == NULL || !is_template_name(file))
			throw std::runtime_error(std::string("bad template "
			    "name in \"") + key + "\"");
		inc = d->AddIncludeDictionary(dict_name(key + tpl_prefix_len));
		inc->SetFilename(file);
		fill_object(inc, obj, top, false);
	}
}

/*
 * The top-level "global" object: template-global values, and shown
 * template-global sections for true ones, so {{USER}} and {{#SIGNED_IN}}
 * work in the layout, the page body and every node partial alike.
 * ctemplate has no template-global section dictionaries, so a nested
 * object or array only reaches the top-level template.
 */
void
fill_globals(ctemplate::TemplateDictionary *d, const json_t *global)
{
	const char	*key;
	json_t		*v;
	std::string	 text;
	bool		 truthy;

	json_object_foreach(const_cast<json_t *>(global), key, v) {
		std::string	 name = dict_name(key);

		if (scalar_text(v, &text, &truthy)) {
			d->SetTemplateGlobalValue(name, text);
			if (truthy)
				d->ShowTemplateGlobalSection(name);
		} else
			fill_member(d, name, v);
	}
}

/* The *.tpl files of dir, sorted so that errors come out in a fixed order. */
bool
list_templates(const char *dir, std::vector<std::string> *names)
{
	DIR		*dp;
	struct dirent	*de;

	if ((dp = opendir(dir)) == NULL)
		return false;
	while ((de = readdir(dp)) != NULL) {
		if (is_template_name(de->d_name))
			names->push_back(de->d_name);
	}
	closedir(dp);
	std::sort(names->begin(), names->end());
	return true;
}

} /* namespace */

int
render_init(const char *templates_dir, int check_all)
{
	static bool		 registered;
	std::vector<std::string> names;
	int			 rc = 0;

	try {
		/*
		 * Register before any template is parsed: the auto-escaper
		 * decides at parse time whether a modifier is XSS-safe.
		 */
		if (!registered) {
			if (!ctemplate::AddXssSafeModifier("x-img-src",
			    &img_src)) {
				log_warnx("render: cannot register x-img-src");
				return -1;
			}
			registered = true;
		}

		/* A second call (tests) must not reuse another directory's. */
		ctemplate::mutable_default_template_cache()->ClearCache();
		if (!ctemplate::mutable_default_template_cache()->
		    SetTemplateRootDirectory(templates_dir)) {
			log_warnx("render: %s: bad template directory",
			    templates_dir);
			return -1;
		}
		if (!check_all)
			return 0;
		if (!list_templates(templates_dir, &names)) {
			log_warn("render: %s", templates_dir);
			return -1;
		}
		if (names.empty()) {
			log_warnx("render: %s: no *.tpl files", templates_dir);
			return -1;
		}
		/* Check them all, so one start-up reports every bad file. */
		for (size_t i = 0; i < names.size(); i++) {
			if (!ctemplate::mutable_default_template_cache()->
			    LoadTemplate(names[i], strip)) {
				log_warnx("render: %s/%s: template does not "
				    "parse", templates_dir, names[i].c_str());
				rc = -1;
			}
		}
		return rc;
	} catch (const std::exception &e) {
		log_warnx("render: init %s: %s", templates_dir, e.what());
		return -1;
	} catch (...) {
		log_warnx("render: init %s: unknown exception", templates_dir);
		return -1;
	}
}

int
render_expand(const char *name, const json_t *view, render_emit_fn *emit,
    void *ctx)
{
	try {
		ctemplate::TemplateDictionary	 dict(name);
		const json_t			*global;
		std::string			 out;

		if (!json_is_object(view)) {
			log_warnx("render: %s: view is not an object", name);
			return -1;
		}
		global = json_object_get(view, "global");
		if (json_is_object(global))
			fill_globals(&dict, global);
		fill_object(&dict, view, true, true);

		/*
		 * Expand into a string first: on failure (a missing include,
		 * say) nothing half-rendered reaches the client, and the
		 * caller can still send an error page.
		 */
		if (!ctemplate::ExpandTemplate(name, strip, &dict, &out)) {
			log_warnx("render: %s: expansion failed", name);
			return -1;
		}
		if (!out.empty())
			emit(ctx, out.data(), out.size());
		return 0;
	} catch (const std::exception &e) {
		log_warnx("render: %s: %s", name, e.what());
		return -1;
	} catch (...) {
		log_warnx("render: %s: unknown exception", name);
		return -1;
	}
}
