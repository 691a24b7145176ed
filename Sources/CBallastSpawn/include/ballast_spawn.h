// Thin shim over the GNU extensions the plugin supervisor needs and that
// Swift's Glibc module does not expose (it is built without _GNU_SOURCE).
#ifndef BALLAST_SPAWN_H
#define BALLAST_SPAWN_H

#include <spawn.h>

/// pipe2(fds, O_CLOEXEC): both ends close-on-exec atomically, so no other
/// child spawned concurrently inherits them. Returns 0 or -1 with errno.
int ballast_pipe_cloexec(int fds[2]);

/// posix_spawn_file_actions_addchdir_np (glibc >= 2.29): the child changes
/// directory before exec. Returns 0 or an error number.
int ballast_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/// posix_spawn_file_actions_addclosefrom_np (glibc >= 2.34): the child closes every
/// descriptor from `lowest` up before exec, whether or not it is close-on-exec. Returns
/// 0 or an error number; elsewhere than glibc it does nothing and returns 0.
int ballast_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int lowest);

#endif
