import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { IsEntityId, IsYear, viewMapper } from '@chanjiao/edge';

export class CreateOrderClassDto {
  @ApiProperty({ example: 'OC-2022-01' }) @IsEntityId() orderClassId!: string;
  @ApiProperty({ example: 'E001', description: 'The partner enterprise (PUT /partners/{partnerId} first)' })
  @IsEntityId()
  partnerId!: string;
  @ApiProperty({ example: '460103' }) @IsEntityId() programCode!: string;
  @ApiProperty({ example: 2022 }) @IsYear() cohortYear!: number;
  @ApiProperty({ example: 40, description: 'Students in the class' }) @IsInt() @Min(0) @Max(100000) students!: number;
}

export class OrderClassView extends CreateOrderClassDto {
  @ApiProperty({ description: 'Sequence of the latest event about this order class' }) version!: number;
}

export const toOrderClassView = viewMapper(OrderClassView, [
  'orderClassId',
  'partnerId',
  'programCode',
  'cohortYear',
  'students',
  'version',
]);
