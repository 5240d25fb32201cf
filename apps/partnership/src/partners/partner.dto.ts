import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString } from 'class-validator';
import { IEI_LEVELS, IeiLevel, PARTNER_KINDS, PartnerKind, Sector, SECTORS } from '@chanjiao/contracts';
import { IsEntityId, IsRegionCode, IsText, viewMapper } from '@chanjiao/edge';
import { IsCreditCode } from '../common/validators';

export class PutPartnerDto {
  @ApiProperty({ example: '新疆某某纺织有限公司' })
  @IsString()
  @IsText(200)
  name!: string;

  @ApiProperty({ enum: PARTNER_KINDS })
  @IsIn(PARTNER_KINDS)
  kind!: PartnerKind;

  @ApiPropertyOptional({
    description: 'Unified social credit code (统一社会信用代码), 18 characters, check character verified (GB 32100-2015)',
    example: '91350100M000100Y43',
  })
  @IsOptional()
  @IsCreditCode()
  creditCode?: string;

  @ApiProperty({ enum: SECTORS })
  @IsIn(SECTORS)
  sector!: Sector;

  @ApiPropertyOptional({ description: 'GB/T 2260 six-digit region code', example: '652801' })
  @IsOptional()
  @IsRegionCode()
  region?: string;

  @ApiPropertyOptional({ enum: IEI_LEVELS, default: 'none', description: '产教融合型企业 level' })
  @IsOptional()
  @IsIn(IEI_LEVELS)
  ieiLevel?: IeiLevel;
}

export class PartnerBatchItemDto extends PutPartnerDto {
  @ApiProperty({ example: 'E001' })
  @IsEntityId()
  partnerId!: string;
}

export class PartnerView {
  @ApiProperty() partnerId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: PARTNER_KINDS }) kind!: PartnerKind;
  @ApiProperty({ nullable: true, type: String }) creditCode!: string | null;
  @ApiProperty({ enum: SECTORS }) sector!: Sector;
  @ApiProperty({ nullable: true, type: String }) region!: string | null;
  @ApiProperty({ enum: IEI_LEVELS }) ieiLevel!: IeiLevel;
  @ApiProperty({ description: 'Sequence of the latest event about this partner' }) version!: number;
}

export const toPartnerView = viewMapper(PartnerView, [
  'partnerId',
  'name',
  'kind',
  'creditCode',
  'sector',
  'region',
  'ieiLevel',
  'version',
]);
