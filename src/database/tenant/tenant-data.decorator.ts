import { SetMetadata } from '@nestjs/common';

export const TENANT_DATA_KEY = 'byline:tenant-data';

/**
 * Declares that a controller's routes read or write this tenant model, and that their
 * `:id` parameter names one of its rows. The isolation audit probes such routes across
 * tenants; the data layer enforces the scope whatever this says.
 */
export const TenantData = (model: string) => SetMetadata(TENANT_DATA_KEY, model);
