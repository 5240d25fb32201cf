import { EntityManager } from 'typeorm';
import { DomainError } from '@chanjiao/domain';
import { PartnershipErrorCode } from '../partnership.errors';
import { PartnerRepository } from './partner.repository';

/** Partners named by a write must exist: a 400 naming the field and the unknown ids otherwise. */
export async function checkPartners(
  m: EntityManager,
  partners: PartnerRepository,
  institution: string,
  named: string[][],
  field: string,
): Promise<Array<DomainError | undefined>> {
  const known = await partners.existing(m, institution, named.flat());
  return named.map((ids) => {
    const unknown = [...new Set(ids.filter((id) => !known.has(id)))];
    if (unknown.length === 0) return undefined;
    return new DomainError(
      'invalid',
      PartnershipErrorCode.UnknownPartner,
      `${field}: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not a partner' : 'are not partners'} of ${institution}; PUT /partners/${unknown[0]} first`,
      field,
    );
  });
}
