/* SPDX-License-Identifier: MIT */
/*
 * cli: the command-line tool built into the program, for shared hosts
 * where an HTTP admin API is unwanted.  It works directly on the state
 * directory named by the configuration, alongside running workers
 * (Berkeley DB's DB_REGISTER lets processes share the environment).
 */
#ifndef CLI_H
#define CLI_H

/* 1 if argv[1] is a command cli_main() knows. */
int	 cli_is_command(const char *cmd);

/* Run the command; returns the process exit status (sysexits codes). */
int	 cli_main(int argc, char **argv);

#endif /* CLI_H */
