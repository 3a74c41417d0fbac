#ifndef JIANGUAN_CSQLITECONFIG_H
#define JIANGUAN_CSQLITECONFIG_H
#include <sqlite3.h>

/// sqlite3_db_config() is variadic, which Swift cannot call: one wrapper per setting used.
/// Leaves the WAL for the next checkpoint instead of checkpointing when the last connection
/// closes: committed transactions are already durable in the WAL (synchronous = FULL).
int jianguan_sqlite_no_checkpoint_on_close(sqlite3 *db);
#endif
