// File-system calls Swift cannot make directly or portably: fallocate(2) with its errno, the
// file system's magic number (statfs), and POSIX record locks (fcntl F_SETLK).

#define _GNU_SOURCE
#include "CKaelixSupport.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/vfs.h>

int kaelix_fallocate(int fd, int64_t offset, int64_t length) {
    if (fallocate(fd, 0, (off_t)offset, (off_t)length) == 0) {
        return 0;
    }
    return errno;
}

int64_t kaelix_filesystem_magic(const char *path) {
    struct statfs info;
    if (statfs(path, &info) != 0) {
        return -1;
    }
    return (int64_t)(uint32_t)info.f_type;
}

int kaelix_lock_file(int fd, int exclusive) {
    struct flock lock;
    memset(&lock, 0, sizeof lock);
    lock.l_type = exclusive ? F_WRLCK : F_RDLCK;
    lock.l_whence = SEEK_SET;
    if (fcntl(fd, F_SETLK, &lock) == 0) {
        return 0;
    }
    return errno;
}
