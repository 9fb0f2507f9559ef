/*
 * preload.h - what the files of ipcspec's preload extension share.
 */
#ifndef IPCSPEC_PRELOAD_H
#define IPCSPEC_PRELOAD_H

/* Arm the points IPCSPEC_FAULTS names (env_faults.c); exits 125 if malformed. */
void ipcspec__env_faults_init(void);

#endif
