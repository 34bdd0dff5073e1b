#include <mariadb/mysql.h>
