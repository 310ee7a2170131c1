/* SPDX-License-Identifier: MIT */
/*
 * audit: append-only JSON lines.  Events are written when they happen;
 * an event of a request whose transaction is later rerun after a deadlock
 * may appear twice, which an audit trail tolerates better than a gap.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "arena.h"
#include "audit.h"
#include "clock.h"
#include "config.h"
#include "http.h"
#include "log.h"

static void
append(const char *path, const char *line)
{
	size_t	 n = strlen(line);
	int	 fd;

	if (path == NULL)
		return;
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0600)) == -1) {
		log_warn("audit: %s", path);
		return;
	}
	if (write(fd, line, n) != (ssize_t)n)
		log_warn("audit: writing %s", path);
	close(fd);
}

static char *
line(struct req *r, const char *event, const char *identity_id,
    const char *detail)
{
	json_t	*o;
	char	*s;

	o = json_pack("{s:s, s:s, s:s*, s:s*, s:s*, s:s*}",
	    "time", clock_rfc3339(r->a, r->now_us), "event", event,
	    "identity_id", identity_id, "ip", r->remote_addr,
	    "user_agent", r->user_agent, "detail", detail);
	s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	return s ? arena_printf(r->a, "%s\n", s) : NULL;
}

void
audit_event(struct req *r, const char *event, const char *identity_id,
    const char *detail)
{
	char	*l = line(r, event, identity_id, detail);

	if (l != NULL)
		append(r->cfg->audit_file, l);
}

void
audit_security_change(struct req *r, const char *event,
    const char *identity_id, const char *detail)
{
	char	*l = line(r, event, identity_id, detail);

	if (l == NULL)
		return;
	append(r->cfg->audit_file, l);
	append(r->cfg->notify_file, l);
}
