#!/bin/sh
# SPDX-License-Identifier: MIT
#
# bench/run.sh -- `make bench`: Gatehouse's benchmark suite (issue 7).
#
# Builds an optimised copy of Gatehouse in build/bench/src (the checkout's
# own objects are left alone), starts Gatehouse behind lighttpd at 2 and 4
# FastCGI workers and, in the same run, four references on the same
# lighttpd:
#   (a) static    lighttpd serving the login page's bytes as a file
#   (b) floor     bench/fcgi_floor.c, a libfcgi responder returning them
#   (c) php       bench/php/login.php on PHP-FPM, a form with a PHP session
#   (d) llng      LemonLDAP::NG's portal login page (llng-fastcgi-server)
# then loads wrk on loopback in several alternating rounds and reports
# medians: bench/report.mjs prints the table and writes bench/results.md.
#
# Knobs (environment):
#   BENCH_DURATION  seconds per wrk run (5)
#   BENCH_ROUNDS    alternating rounds (3)
#   BENCH_SCALE     identities and sessions of the scale test (1000000)
#   BENCH_SCALE_ROUNDS alternating rounds of the scale comparison (5)
#   BENCH_HK_SECONDS length of the housekeeping run (65: longer than the
#                   once-a-minute checkpoint interval Gatehouse once had)
#   BENCH_PORT      the first port to try (4600; nine free ones are used)
#   BENCH_INSTALL   0: do not apt-get install missing tools
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
BENCH=$TOP/bench
B=$TOP/build/bench
DUR=${BENCH_DURATION:-5}
ROUNDS=${BENCH_ROUNDS:-3}
SCALE=${BENCH_SCALE:-1000000}
HK_SECS=${BENCH_HK_SECONDS:-65}
SCALE_ROUNDS=${BENCH_SCALE_ROUNDS:-5}
PORT0=${BENCH_PORT:-4600}
RES=$B/results.jsonl
META=$B/meta.env
LOG=$B/log
export BENCH_LUA=$BENCH/lua

say() { printf '%s bench: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "$*"; exit 1; }

# --- tools ------------------------------------------------------------------

have() { command -v "$1" >/dev/null 2>&1; }
PHPFPM=$(ls /usr/sbin/php-fpm* 2>/dev/null | head -n 1 || true)
if [ "${BENCH_INSTALL:-1}" != 0 ] && [ "$(id -u)" = 0 ] && have apt-get; then
	pk=
	have wrk || pk="$pk wrk"
	have lighttpd || pk="$pk lighttpd"
	[ -n "$PHPFPM" ] || pk="$pk php-fpm"
	have llng-fastcgi-server || pk="$pk liblemonldap-ng-portal-perl lemonldap-ng-fastcgi-server"
	if [ -n "$pk" ]; then
		say "installing$pk"
		DEBIAN_FRONTEND=noninteractive apt-get install -y \
		    --install-recommends $pk >&2 || say "apt-get failed; going on"
		PHPFPM=$(ls /usr/sbin/php-fpm* 2>/dev/null | head -n 1 || true)
	fi
fi
have wrk || die "wrk is missing (apt-get install wrk)"
have lighttpd || die "lighttpd is missing (apt-get install lighttpd)"
have node || die "node is missing (the report is written by bench/report.mjs)"

# --- build ------------------------------------------------------------------

rm -rf "$B"
mkdir -p "$B/src/lib" "$B/src/cgi-bin" "$B/bin" "$B/run" "$B/cfg" "$B/www" "$B/state" \
    "$B/root" "$LOG"
: > "$RES"
say "building an optimised copy in $B/src (make all CFLAGS=-O2)"
cp "$TOP/Makefile" "$B/src/"
cp "$TOP"/lib/*.c "$TOP"/lib/*.h "$TOP"/lib/*.cc "$B/src/lib/"
cp "$TOP"/cgi-bin/*.c "$B/src/cgi-bin/"
make -C "$B/src" -j"$(nproc)" all CFLAGS=-O2 >"$LOG/build.log" 2>&1 ||
    { cat "$LOG/build.log" >&2; die "build failed"; }
GH=$B/src/cgi-bin/gatehouse.fcgi
PKGS="libcrypto fcgi libargon2 liboath libqrencode libpng jansson libcurl yaml-0.1 libctemplate_nothreads"
CF="-std=c11 -O2 -Wall -Wextra -D_DEFAULT_SOURCE -D_GNU_SOURCE -I$B/src/lib $(pkg-config --cflags $PKGS)"
LIBS="$B/src/lib/libgatehouse.a $(pkg-config --libs $PKGS) -ldb -lcrypt -lpthread"
for p in load_store argon2_rate; do
	cc $CF -c -o "$B/bin/$p.o" "$BENCH/$p.c"
	c++ -o "$B/bin/$p" "$B/bin/$p.o" $LIBS
done
cc -O2 -Wall -Wextra -o "$B/bin/cgi_run" "$BENCH/cgi_run.c"
cc -O2 -Wall -Wextra -o "$B/bin/fcgi_floor" "$BENCH/fcgi_floor.c" -lfcgi
ln -s "$B/src/cgi-bin" "$B/root/cgi-bin"
ln -s "$TOP/static" "$B/root/static"

# --- processes --------------------------------------------------------------

PIDS=$B/run/pids		# "name pid" of everything started here
: > "$PIDS"
cleanup() {
	set +e
	# LemonLDAP::NG's process manager first (it would respawn its
	# workers), then whichever of its workers outlive it.
	l=$(pid_of llng-fcgi)
	kids=
	if [ -n "$l" ]; then
		kids=$(pgrep -P "$l")
		kill "$l"
	fi
	while read -r name pid; do
		kill "$pid" 2>/dev/null
	done < "$PIDS"
	sleep 1
	while read -r name pid; do
		kill -9 "$pid" 2>/dev/null
	done < "$PIDS"
	for c in $kids; do
		grep -q perl-fcgi "/proc/$c/comm" 2>/dev/null && kill -9 "$c"
	done
	[ -n "${LLNG_TMP:-}" ] && rm -rf "$LLNG_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pid_of() { awk -v n="$1" '$1 == n { p = $2 } END { print p }' "$PIDS"; }

wait_port() {
	i=0
	until curl -s -o /dev/null "http://127.0.0.1:$1/"; do
		i=$((i + 1))
		[ $i -lt 100 ] || die "nothing answers on port $1"
		sleep 0.1
	done
}

# lighttpd daemonises and writes its pid file; its FastCGI workers are its
# children.
start_lighttpd() {	# name conf port [VAR=value...]
	n=$1 conf=$2 port=$3
	shift 3
	! curl -s -o /dev/null "http://127.0.0.1:$port/" ||
	    die "port $port is in use (set BENCH_PORT to another range)"
	mkdir -p "$B/run/$n"
	env PORT="$port" VAR_DIR="$B/run/$n" "$@" lighttpd -f "$conf" \
	    >"$LOG/$n.lighttpd.out" 2>&1 ||
	    { cat "$LOG/$n.lighttpd.out" "$B/run/$n/lighttpd-error.log" >&2 || true;
	      die "lighttpd $n did not start"; }
	i=0
	while [ ! -s "$B/run/$n/lighttpd.pid" ] && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	echo "$n $(cat "$B/run/$n/lighttpd.pid")" >> "$PIDS"
	wait_port "$port"
	PORTS="${PORTS:-} $n=$port"
}

port_of() { echo "$PORTS" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

# A Gatehouse instance: its own configuration and state directory.
new_config() {	# name port
	"$GH" init-config "$B/cfg/$1.yml" --base-url "http://127.0.0.1:$2/" \
	    --state-dir "$B/state/$1" --templates-dir "$TOP/templates" \
	    --schema "$TOP/etc/identity.schema.json" >/dev/null
}

start_gatehouse() {	# name port workers
	start_lighttpd "$1" "$TOP/lighttpd.conf" "$2" GATEHOUSE_ROOT="$B/root" \
	    CONFIG="$B/cfg/$1.yml" WORKERS="$3"
}

# CPU time (ns) of processes, from /proc/PID/schedstat.
cpu_ns() {
	t=0
	for p in "$@"; do
		[ -r "/proc/$p/schedstat" ] || continue
		read -r ns rest < "/proc/$p/schedstat"
		t=$((t + ns))
	done
	echo $t
}

# The workers of a target: children of its lighttpd, PHP-FPM master or
# LemonLDAP::NG process manager.
workers_of() {
	case $1 in
	php)	pgrep -P "$(pid_of php-fpm)" | tr '\n' ' ' ;;
	llng)	pgrep -P "$(pid_of llng-fcgi)" | tr '\n' ' ' ;;
	static)	echo ;;
	*)	pgrep -P "$(pid_of "$1")" | tr '\n' ' ' ;;
	esac
}

# Private memory of one process in KiB: "own bdb rss heap" -- own is
# Private_Clean + Private_Dirty outside the Berkeley DB environment's
# shared region files (__db.*), bdb the private part inside them, heap the
# private part of [heap] (where glibc keeps freed argon2 memory).
private_kb() {
	awk '
	/^[0-9a-f]+-[0-9a-f]+ / { db = ($6 ~ /\/__db\.[0-9]+$/); hp = ($6 == "[heap]") }
	/^Private_(Clean|Dirty):/ { if (db) d += $2; else o += $2; if (hp) h += $2 }
	/^Rss:/ { r += $2 }
	END { printf "%d %d %d %d\n", o, d, r, h }' "/proc/$1/smaps" 2>/dev/null ||
	    echo "0 0 0 0"
}

# Record the memory of a target's workers (max over workers).
record_mem() {	# target label
	o=0 d=0 r=0 h=0 n=0
	ps=$(workers_of "$1")
	[ "$1" = static ] && ps=$(pid_of static)
	for p in $ps; do
		set -- "$1" "$2" $(private_kb "$p")
		[ "$3" -gt $o ] && o=$3
		[ "$4" -gt $d ] && d=$4
		[ "$5" -gt $r ] && r=$5
		[ "$6" -gt $h ] && h=$6
		n=$((n + 1))
	done
	printf '{"kind":"mem","target":"%s","label":"%s","workers":%d,"private_kb":%d,"bdb_private_kb":%d,"rss_kb":%d,"heap_kb":%d}\n' \
	    "$1" "$2" "$n" "$o" "$d" "$r" "$h" >> "$RES"
}

# One wrk run against a target, with the CPU its processes used.
#   measure ROUND SCENARIO TARGET wrk-arguments...
measure() {
	r=$1 scen=$2 target=$3
	shift 3
	lp=$(pid_of "$target")
	wp=$(workers_of "$target")
	w0=$(cpu_ns $lp) a0=$(cpu_ns $wp)
	out=$(wrk "$@" 2>&1 </dev/null) || true
	w1=$(cpu_ns $lp) a1=$(cpu_ns $wp)
	printf '== %s %s round %s\n%s\n' "$scen" "$target" "$r" "$out" >> "$LOG/wrk.log"
	line=$(printf '%s\n' "$out" | sed -n 's/^BENCH //p' | tail -n 1)
	if [ -z "$line" ]; then
		say "wrk failed for $scen/$target: $(printf '%s' "$out" | tail -n 3)"
		line='{"requests":0,"ops":0,"seconds":1,"ops_per_s":0,"req_per_s":0,"p50_us":0,"p90_us":0,"p99_us":0,"p999_us":0,"max_us":0,"bad":0,"socket_errors":0,"bad_info":"wrk failed"}'
	fi
	printf '{"kind":"http","round":%s,"scenario":"%s","target":"%s","web_cpu_ns":%s,"app_cpu_ns":%s,"wrk":%s}\n' \
	    "$r" "$scen" "$target" $((w1 - w0)) $((a1 - a0)) "$line" >> "$RES"
	printf '%s\n' "$line" | awk -v s="$scen" -v t="$target" -v r="$r" '{
	    match($0, /"ops_per_s":[0-9.]+/); o = substr($0, RSTART + 12, RLENGTH - 12)
	    match($0, /"p99_us":[0-9.]+/); p = substr($0, RSTART + 9, RLENGTH - 9)
	    match($0, /"bad":[0-9]+/); b = substr($0, RSTART + 6, RLENGTH - 6)
	    printf "  round %s  %-16s %-7s %10.1f ops/s  p99 %7.2f ms%s\n", r, s, t, o, p / 1000, (b > 0 ? "  (" b " bad)" : "") }' >&2
}

url() { echo "http://127.0.0.1:$(port_of "$1")$2"; }

# --- configurations and data (through the store API) --------------------------

# Free ports from BENCH_PORT up (other servers may be running here).
P=$PORT0
for n in static floor php llng gh2 gh4 totp big hk; do
	rc=0
	while curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$P/" || rc=$?; [ $rc -ne 7 ]; do
		P=$((P + 1)) rc=0
	done
	eval "PORT_$n=$P"
	P=$((P + 1))
done
for n in gh2 gh4 totp big hk; do
	eval "new_config $n \$PORT_$n"
done
# Housekeeping: flows live one second (though they are kept an hour past
# expiry), and 100,000 expired sessions wait to be swept (loaded below).
sed -i 's/^\(      lifespan:\) 1h$/\1 1s/' "$B/cfg/hk.yml"

say "loading identities and sessions through the store API"
"$B/bin/load_store" "$B/cfg/gh2.yml" 1000 "$B/gh2.accounts" --sample 1000 >>"$LOG/load.log"
"$B/bin/load_store" "$B/cfg/gh4.yml" 1000 "$B/gh4.accounts" --sample 1000 >>"$LOG/load.log"
# TOTP accounts: one step-up each per run (codes are one-time).
TOTP_N=$((ROUNDS * 15000 + 15000))
"$B/bin/load_store" "$B/cfg/totp.yml" $TOTP_N "$B/totp.accounts" \
    --sample $TOTP_N --totp --prefix totp >>"$LOG/load.log"
# Expired sessions for the housekeeping run to sweep.
"$B/bin/load_store" "$B/cfg/hk.yml" 100000 "$B/hk.accounts" --sample 10 \
    --expired --prefix expired >>"$LOG/load.log"
say "loading $SCALE identities and $SCALE sessions (scale test)"
"$B/bin/load_store" "$B/cfg/big.yml" "$SCALE" "$B/big.accounts" --sample 10000 \
    --cache 1610612736 >"$LOG/load-big.out" 2>"$LOG/load-big.log" ||
    { cat "$LOG/load-big.log" >&2; die "loading $SCALE identities failed"; }
cat "$LOG/load-big.out" >&2
BIG_LOAD=$(cat "$LOG/load-big.out")
du -sb "$B/state/big"/*.db | awk '{ sub(".*/", "", $2); print $2, $1 }' > "$B/big.du"
du -sb "$B/state/big" | awk '{ print "total", $1 }' >> "$B/big.du"

# --- servers ------------------------------------------------------------------

start_gatehouse gh2 $PORT_gh2 2
start_gatehouse gh4 $PORT_gh4 4
start_gatehouse totp $PORT_totp 2
start_gatehouse big $PORT_big 2

# The login page as Gatehouse renders it: the bytes of the references.
JAR=$B/run/jar
LOC=$(curl -s -c "$JAR" -o /dev/null -w '%{redirect_url}' "$(url gh2 /self-service/login/browser)")
curl -s -b "$JAR" -o "$B/www/login.html" "$LOC"
grep -q csrf_token "$B/www/login.html" || die "could not capture the login page"
PAGE_BYTES=$(wc -c < "$B/www/login.html")
RENDER_PATH=$(echo "$LOC" | sed 's|^https\{0,1\}://[^/]*||')
RENDER_COOKIE=$(awk '$6 ~ /^csrf_token/ { print $6 "=" $7 }' "$JAR")

start_lighttpd static "$BENCH/conf/static.conf" $PORT_static DOCROOT="$B/www"
start_lighttpd floor "$BENCH/conf/floor.conf" $PORT_floor DOCROOT="$B/www" \
    FLOOR_BIN="$B/bin/fcgi_floor" FLOOR_FILE="$B/www/login.html" WORKERS=2

REFS="static floor"
if [ -n "$PHPFPM" ]; then
	mkdir -p "$B/run/php/sessions"
	sed -e "s|@VAR_DIR@|$B/run/php|g" -e "s|@WORKERS@|2|g" \
	    "$BENCH/conf/php-fpm.conf" > "$B/run/php/php-fpm.conf"
	[ "$(id -u)" = 0 ] && printf 'user = root\ngroup = root\n' >> "$B/run/php/php-fpm.conf"
	"$PHPFPM" -y "$B/run/php/php-fpm.conf" -F -R >"$LOG/php-fpm.out" 2>&1 &
	echo "php-fpm $!" >> "$PIDS"
	i=0
	while [ ! -S "$B/run/php/php.sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	start_lighttpd php "$BENCH/conf/php.conf" $PORT_php DOCROOT="$BENCH/php" \
	    PHP_SOCKET="$B/run/php/php.sock"
	REFS="$REFS php"
	PHP_VERSION=$("$PHPFPM" -v | head -n 1)
else
	say "no PHP-FPM: reference (c) skipped"
	PHP_VERSION="not installed"
fi

LLNG_NOTE=
if have llng-fastcgi-server; then
	# It refuses to run as root, and its socket must be reachable by
	# www-data: a private directory in /tmp.
	LLNG_TMP=$(mktemp -d /tmp/gatehouse-bench-llng.XXXXXX)
	u=
	if [ "$(id -u)" = 0 ]; then
		chown www-data:www-data "$LLNG_TMP"
		u="-u www-data -g www-data"
	fi
	LLNG_DEFAULTLOGGER=Lemonldap::NG::Common::Logger::Std \
	    llng-fastcgi-server $u -s "$LLNG_TMP/llng.sock" -p "$LLNG_TMP/llng.pid" \
	    -n 2 >"$LOG/llng.out" 2>&1 || true
	# It daemonises; the pid file names its process manager (whose
	# children are the workers).  Perl takes a while to load it all.
	i=0
	while { [ ! -S "$LLNG_TMP/llng.sock" ] || [ ! -s "$LLNG_TMP/llng.pid" ]; } &&
	    [ $i -lt 300 ]; do
		sleep 0.1; i=$((i + 1))
	done
	[ -s "$LLNG_TMP/llng.pid" ] && echo "llng-fcgi $(cat "$LLNG_TMP/llng.pid")" >> "$PIDS"
	if [ -S "$LLNG_TMP/llng.sock" ] && [ -s "$LLNG_TMP/llng.pid" ]; then
		start_lighttpd llng "$BENCH/conf/llng.conf" $PORT_llng \
		    LLNG_SOCKET="$LLNG_TMP/llng.sock"
		if curl -s -H 'Host: auth.example.com' "$(url llng /)" |
		    grep -q 'name="password"'; then
			REFS="$REFS llng"
		else
			LLNG_NOTE="the portal did not answer with its login form"
		fi
	else
		LLNG_NOTE="llng-fastcgi-server did not start: $(tail -n 3 "$LOG/llng.out" | tr '\n' ' ')"
	fi
	LLNG_VERSION=$(dpkg-query -W -f '${Version}' liblemonldap-ng-portal-perl 2>/dev/null || echo "?")
else
	LLNG_NOTE="LemonLDAP::NG is not installed"
	LLNG_VERSION="not installed"
fi
[ -z "$LLNG_NOTE" ] || say "reference (d) skipped: $LLNG_NOTE"

# --- the rounds ---------------------------------------------------------------

C=8	# connections for the GET scenarios (wrk: one thread)
JSON='Accept: application/json'
LLNG_HOST='Host: auth.example.com'

# One line per run; even rounds run the list backwards, so slow drifts of a
# shared machine fall on both sides of every comparison.
scenario_list() {
	cat <<EOF
ref static
ref floor
ref php
ref llng
login_json gh2
login_html gh2
login_render gh2
whoami gh2
login_json gh4
login_html gh4
whoami gh4
signin gh2
argon2 raw
signin gh4
totp totp
registration gh2
EOF
}

run_one() {	# round scenario target
	case $1:$2 in
	*:ref)
		echo "$REFS" | grep -qw "$3" || return 0
		case $3 in
		static)	measure "$R" login_page static -t1 -c$C -d${DUR}s --latency \
			    -s "$BENCH_LUA/get.lua" "$(url static /login.html)" ;;
		floor)	measure "$R" login_page floor -t1 -c$C -d${DUR}s --latency \
			    -s "$BENCH_LUA/get.lua" "$(url floor /login)" ;;
		php)	measure "$R" login_page php -t1 -c$C -d${DUR}s --latency \
			    -s "$BENCH_LUA/get.lua" "$(url php /login.php)" ;;
		llng)	measure "$R" login_page llng -t1 -c$C -d${DUR}s --latency \
			    -H "$LLNG_HOST" -s "$BENCH_LUA/get.lua" "$(url llng /)" ;;
		esac ;;
	*:login_json)
		measure "$R" login_json "$3" -t1 -c$C -d${DUR}s --latency -H "$JSON" \
		    -s "$BENCH_LUA/get.lua" "$(url "$3" /self-service/login/browser)" ;;
	*:login_html)
		measure "$R" login_html "$3" -t4 -c4 -d${DUR}s \
		    -s "$BENCH_LUA/page.lua" "$(url "$3" /)" ;;
	*:login_render)
		measure "$R" login_render "$3" -t1 -c$C -d${DUR}s --latency \
		    -H "Accept: text/html" -H "Cookie: $RENDER_COOKIE" \
		    -s "$BENCH_LUA/get.lua" "$(url "$3" "$RENDER_PATH")" ;;
	*:whoami)
		measure "$R" whoami "$3" -t1 -c$C -d${DUR}s --latency \
		    -s "$BENCH_LUA/whoami.lua" "$(url "$3" /)" -- /sessions/whoami \
		    "$B/$3.accounts" ;;
	*:signin)
		w=2; [ "$3" = gh4 ] && w=4
		measure "$R" signin "$3" -t$((2 * w)) -c$((2 * w)) -d${DUR}s \
		    -s "$BENCH_LUA/flowpost.lua" "$(url "$3" /)" -- login \
		    "$B/$3.accounts" "r$R" $((2 * w)) ;;
	*:registration)
		measure "$R" registration "$3" -t4 -c4 -d${DUR}s \
		    -s "$BENCH_LUA/flowpost.lua" "$(url "$3" /)" -- registration \
		    - "r$R-$$" 4 ;;
	*:totp)
		measure "$R" totp_step totp -t4 -c4 -d${DUR}s \
		    -s "$BENCH_LUA/flowpost.lua" "$(url totp /)" -- totp \
		    "$B/totp.accounts" "r$R" 4 $((R * 15000)) ;;
	*:argon2)
		out=$("$B/bin/argon2_rate" "$B/cfg/gh2.yml" "$DUR" 2)
		echo "$out" | awk -v r="$R" '{
		    for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		    printf "{\"kind\":\"argon2\",\"round\":%s,\"procs\":%s,\"rate\":%s,\"cpu_ms\":%s,\"m_kib\":%s,\"t\":%s,\"p\":%s}\n",
		        r, v["procs"], v["rate"], v["cpu_ms_per_hash"], v["m_kib"], v["t"], v["p"] }' >> "$RES"
		say "  round $R  argon2id raw     2 procs $(echo "$out" | sed 's/.*rate=\([0-9.]*\).*/\1/') hashes/s" ;;
	esac
}

say "warming up"
for t in $REFS gh2 gh4 totp big; do
	case $t in
	static)	u=$(url static /login.html) ;;
	floor)	u=$(url floor /login) ;;
	php)	u=$(url php /login.php) ;;
	llng)	u=$(url llng /) ;;
	*)	u=$(url "$t" /self-service/login/browser) ;;
	esac
	wrk -t1 -c4 -d1s -H "$LLNG_HOST" "$u" >/dev/null 2>&1 || true
done
for t in gh2 big; do
	wrk -t1 -c4 -d1s -s "$BENCH_LUA/whoami.lua" "$(url $t /)" -- /sessions/whoami "$B/$t.accounts" >/dev/null 2>&1 || true
done
for t in $REFS gh2 gh4 totp big; do record_mem "$t" warm; done

# The single-process argon2id rate, once, for the record.
A1=$("$B/bin/argon2_rate" "$B/cfg/gh2.yml" "$DUR" 1)
echo "$A1" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "{\"kind\":\"argon2\",\"round\":0,\"procs\":1,\"rate\":%s,\"cpu_ms\":%s,\"m_kib\":%s,\"t\":%s,\"p\":%s}\n",
    v["rate"], v["cpu_ms_per_hash"], v["m_kib"], v["t"], v["p"] }' >> "$RES"

R=1
while [ $R -le "$ROUNDS" ]; do
	say "round $R of $ROUNDS"
	if [ $((R % 2)) = 1 ]; then scenario_list; else scenario_list | tac; fi |
	while read -r s t; do run_one "$R" "$s" "$t"; done
	R=$((R + 1))
done
for t in $REFS gh2 gh4 totp; do record_mem "$t" end; done

# --- CGI mode -----------------------------------------------------------------

say "CGI mode"
CGI_N=200
cgi() {	# round scenario expect [VAR=value...]
	r=$1 s=$2 e=$3
	shift 3
	out=$(env -i PATH=/usr/bin:/bin GATEHOUSE_CONFIG="$B/cfg/gh2.yml" \
	    GATEWAY_INTERFACE=CGI/1.1 SERVER_PROTOCOL=HTTP/1.1 \
	    SERVER_NAME=127.0.0.1 SERVER_PORT=$PORT_gh2 REMOTE_ADDR=127.0.0.1 \
	    SCRIPT_NAME= "$@" "$B/bin/cgi_run" "$GH" $CGI_N "$e" 2>>"$LOG/cgi.log")
	echo "$out" | awk -v r="$r" -v s="$s" '{
	    for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	    printf "{\"kind\":\"cgi\",\"round\":%s,\"scenario\":\"%s\",\"runs\":%s,\"cpu_ms\":%s,\"wall_ms\":%s,\"bad\":%s}\n",
	        r, s, v["runs"], v["cpu_ms"], v["wall_ms"], v["bad"] }' >> "$RES"
}
WHOAMI_COOKIE=$(head -n 1 "$B/gh2.accounts" | cut -f 1)
R=1
while [ $R -le "$ROUNDS" ]; do
	cgi $R login_json 200 REQUEST_METHOD=GET REQUEST_URI=/self-service/login/browser \
	    PATH_INFO=/self-service/login/browser QUERY_STRING= HTTP_ACCEPT=application/json
	cgi $R login_render 200 REQUEST_METHOD=GET REQUEST_URI="$RENDER_PATH" \
	    PATH_INFO=/login QUERY_STRING="${RENDER_PATH#*\?}" HTTP_ACCEPT=text/html \
	    HTTP_COOKIE="$RENDER_COOKIE"
	cgi $R whoami 200 REQUEST_METHOD=GET REQUEST_URI=/sessions/whoami \
	    PATH_INFO=/sessions/whoami QUERY_STRING= HTTP_ACCEPT=application/json \
	    HTTP_COOKIE="$WHOAMI_COOKIE"
	# Process start alone (usage message) and the exec floor.
	out=$("$B/bin/cgi_run" "$GH" $CGI_N none - help)
	echo "$out" | awk -v r="$R" '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	    printf "{\"kind\":\"cgi\",\"round\":%s,\"scenario\":\"start_only\",\"runs\":%s,\"cpu_ms\":%s,\"wall_ms\":%s,\"bad\":0}\n",
	    r, v["runs"], v["cpu_ms"], v["wall_ms"] }' >> "$RES"
	out=$("$B/bin/cgi_run" /bin/true $CGI_N none)
	echo "$out" | awk -v r="$R" '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	    printf "{\"kind\":\"cgi\",\"round\":%s,\"scenario\":\"exec_floor\",\"runs\":%s,\"cpu_ms\":%s,\"wall_ms\":%s,\"bad\":0}\n",
	    r, v["runs"], v["cpu_ms"], v["wall_ms"] }' >> "$RES"
	R=$((R + 1))
done

# --- scale: the 1M database against the small one -------------------------------

say "scale: $SCALE identities against 1000 ($SCALE_ROUNDS rounds)"
wrk -t1 -c4 -d2s -s "$BENCH_LUA/whoami.lua" "$(url big /)" -- /sessions/whoami "$B/big.accounts" >/dev/null 2>&1 || true
R=1
while [ $R -le "$SCALE_ROUNDS" ]; do
	for t in gh2 big; do
		measure "$R" scale_whoami "$t" -t1 -c$C -d${DUR}s --latency \
		    -s "$BENCH_LUA/whoami.lua" "$(url "$t" /)" -- /sessions/whoami "$B/$t.accounts"
		measure "$R" scale_whoami_c1 "$t" -t1 -c1 -d${DUR}s --latency \
		    -s "$BENCH_LUA/whoami.lua" "$(url "$t" /)" -- /sessions/whoami "$B/$t.accounts"
		measure "$R" scale_login_json "$t" -t1 -c$C -d${DUR}s --latency -H "$JSON" \
		    -s "$BENCH_LUA/get.lua" "$(url "$t" /self-service/login/browser)"
	done
	R=$((R + 1))
done
record_mem big end

# --- housekeeping -------------------------------------------------------------

say "housekeeping: ${HK_SECS}s of login pages with 100000 expired sessions to sweep"
dbstat() { db5.3_stat -h "$B/state/hk" "$@" 2>/dev/null || db_stat -h "$B/state/hk" "$@" 2>/dev/null || true; }
keys() { dbstat -d "$1" | awk '/Number of unique keys/ { print $1; exit }'; }
start_gatehouse hk $PORT_hk 2
HK_SESS0=$(keys sessions.db)
# Date the checkpoints: poll the environment's last checkpoint time.
( while :; do dbstat -t | sed -n 's/\tCheckpoint timestamp$//p'; sleep 0.5; done \
    > "$B/run/hk/checkpoints" ) &
echo "hk-poll $!" >> "$PIDS"
HK_POLL=$!
# One connection per thread, each request timed by the script, so that
# every request over 100 ms is dated (lua/stalls.lua).
measure 1 housekeeping hk -t$C -c$C -d${HK_SECS}s -H "$JSON" \
    -s "$BENCH_LUA/stalls.lua" "$(url hk /self-service/login/browser)"
sleep 1.5
kill "$HK_POLL" 2>/dev/null || true
HK_SESS1=$(keys sessions.db)
HK_FLOWS=$(keys flows.db)
HK_CKPS=$(sort -u "$B/run/hk/checkpoints" | while read -r d; do
	[ -n "$d" ] && date -d "$d" +%s; done | sort -n | tr '\n' ' ')
HK_LOGS=$(ls "$B/state/hk" | grep -c '^log\.' || true)

# --- the report ---------------------------------------------------------------

cat > "$META" <<EOF
nproc=$(nproc)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
kernel=$(uname -sr)
os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
lighttpd=$(lighttpd -v 2>&1 | head -n 1)
wrk=$(wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2)
cc=$(cc --version | head -n 1)
bdb=$(db5.3_stat -V 2>/dev/null || echo '?')
php=$PHP_VERSION
llng=$LLNG_VERSION
llng_note=$LLNG_NOTE
commit=$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null)$(git -C "$TOP" diff --quiet -- lib cgi-bin 2>/dev/null || echo ' (with uncommitted changes to lib/ or cgi-bin/)')
date=$(date -u '+%Y-%m-%d %H:%M UTC')
duration=$DUR
rounds=$ROUNDS
scale=$SCALE
scale_rounds=$SCALE_ROUNDS
big_load=$BIG_LOAD
page_bytes=$PAGE_BYTES
php_bytes=$(curl -s "$(url php /login.php)" 2>/dev/null | wc -c)
llng_bytes=$(curl -s -H "$LLNG_HOST" "$(url llng /)" 2>/dev/null | wc -c)
hk_secs=$HK_SECS
hk_sessions_before=$HK_SESS0
hk_sessions_after=$HK_SESS1
hk_flows_after=$HK_FLOWS
hk_checkpoints=$HK_CKPS
hk_log_files=$HK_LOGS
db_cache=$(sed -n 's/^  db_cache_size: //p' "$B/cfg/gh2.yml")
argon2_1proc=$A1
gh_libs=$(ldd "$GH" 2>/dev/null | grep -c '=>' || true)
gh2_flows_mb=$(du -m "$B/state/gh2/flows.db" | cut -f 1)
command=make bench$( [ -n "${BENCH_DURATION:-}${BENCH_ROUNDS:-}${BENCH_SCALE:-}" ] && echo " (BENCH_DURATION=$DUR BENCH_ROUNDS=$ROUNDS BENCH_SCALE=$SCALE)")
EOF
cp "$B/big.du" "$B/disk.txt"
node "$BENCH/report.mjs" "$RES" "$META" "$B/disk.txt" "$BENCH/results.md"
