#ifndef PERFGATE_CLIBGIT2_SHIM_H
#define PERFGATE_CLIBGIT2_SHIM_H
#include <git2.h>

/* git_libgit2_opts() is variadic, which Swift cannot call: wrap the options perfgate sets. */
static inline int perfgate_git_set_cache_object_limit(git_object_t type, size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, type, bytes);
}
#endif
