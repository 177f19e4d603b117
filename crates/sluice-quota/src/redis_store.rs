pub struct RedisQuota;
