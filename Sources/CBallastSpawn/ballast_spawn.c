#define _GNU_SOURCE
#include <fcntl.h>
#include <unistd.h>
#include "ballast_spawn.h"

int ballast_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int ballast_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int ballast_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int lowest) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
#else
    (void)actions;
    (void)lowest;
    return 0;
#endif
}
