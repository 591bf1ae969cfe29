#include <stdio.h>
int main(void) { puts("vouch"); return 0; }
