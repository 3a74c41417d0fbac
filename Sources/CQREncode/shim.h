#ifndef JIANGUAN_CQRENCODE_SHIM_H
#define JIANGUAN_CQRENCODE_SHIM_H
#include <qrencode.h>
#endif
