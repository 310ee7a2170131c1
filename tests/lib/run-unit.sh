#!/bin/sh
# Run each cmocka binary; its summary lines go to standard output so CI
# sees them.  Ends with one line counting the binaries.
passed=0
failed=0
for t in "$@"; do
	echo "== $t"
	# cmocka prints its summary on stderr; CI reads standard output.
	if "./$t" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "unit binaries: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
