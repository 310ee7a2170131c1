/* SPDX-License-Identifier: MIT */
/*
 * fcgi_floor: the FastCGI floor of the benchmark.  A minimal libfcgi
 * responder that answers every request with the bytes of one file (the
 * login page Gatehouse rendered at the start of the run) and the same
 * headers Gatehouse sends with a page.  Nothing is computed per request,
 * so its req/s is the most any FastCGI program behind the same lighttpd
 * can do.
 *
 *   fcgi_floor                  (spawned by lighttpd; FLOOR_FILE=path)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcgiapp.h>

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*p = NULL;
	long	 n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (p = malloc((size_t)n + 1)) == NULL ||
	    fread(p, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return p;
}

int
main(void)
{
	const char	*path = getenv("FLOOR_FILE");
	FCGX_Request	 req;
	char		 head[1024];
	char		*body;
	size_t		 len;
	int		 hlen;

	if (path == NULL) {
		fprintf(stderr, "fcgi_floor: set FLOOR_FILE\n");
		return 64;
	}
	body = slurp(path, &len);
	hlen = snprintf(head, sizeof(head),
	    "Status: 200 OK\r\n"
	    "Content-Type: text/html; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n"
	    "Content-Security-Policy: default-src 'none'; script-src 'none'; "
	    "style-src 'self'; img-src 'self' data:; form-action 'self'; "
	    "frame-ancestors 'none'; base-uri 'none'\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Referrer-Policy: same-origin\r\n"
	    "X-Frame-Options: DENY\r\n"
	    "Cache-Control: no-store\r\n\r\n", len);
	FCGX_Init();
	FCGX_InitRequest(&req, 0, 0);
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_PutStr(head, hlen, req.out);
		FCGX_PutStr(body, (int)len, req.out);
		FCGX_Finish_r(&req);
	}
	return 0;
}
