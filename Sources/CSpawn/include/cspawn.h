// glibc's posix_spawn file actions that are GNU extensions (declared only under _GNU_SOURCE,
// which Swift's Glibc module does not define): change directory, and close every descriptor
// from a number on.
#ifndef JIANGUAN_CSPAWN_H
#define JIANGUAN_CSPAWN_H

#include <spawn.h>

int jianguan_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
int jianguan_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

#endif
