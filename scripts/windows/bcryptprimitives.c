/* Test-only stand-in for Windows' bcryptprimitives.dll under Debian's Wine 8.0, which lacks ProcessPrng
 * (the random source Rust's standard library uses on Windows 10 and later). scripts/windows.sh builds it
 * with MinGW and puts it beside the .exe files in the Wine smoke run only; it is never packaged: on
 * Windows the real DLL answers. ProcessPrng is RtlGenRandom (advapi32's SystemFunction036) here. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x10000000 ? 0x10000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
