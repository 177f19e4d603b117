pub struct LocalQuota;
